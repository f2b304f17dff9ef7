package ui

// zhSync translates the sync status screen, the banner's queue count, the
// disk-full message and the restore dialog. init adds it to zhCN without replacing an entry
// zhCN already has.
var zhSync = map[string]string{
	"Offline card payments refused at upload (written off): %d, %s": "脱机银行卡交易上送被拒（已记为损失）：%d 笔，共 %s",
	"Order %s · %s · card %s · approved %s · refused %s · %s":       "单号 %s · %s · 卡号 %s · 脱机批准 %s · 上送被拒 %s · %s",
	"Sync now":                              "立即同步",
	"Sync status":                           "同步状态",
	"Jobs that keep failing":                "多次失败的任务",
	"Channel":                               "渠道",
	"Link":                                  "状态",
	"Queued":                                "待同步",
	"Oldest waiting":                        "最早一笔已等",
	"Last sync":                             "上次同步",
	"Last problem":                          "最近问题",
	"Queued: %d · last successful sync: %s": "待同步 %d 笔 · 上次同步成功：%s",
	"None. Every job went through or is still being tried.": "无。所有任务都已完成或仍在重试中。",
	"Retry":                          "重试",
	"%s · %s · tried %d times · %s":  "%s · %s · 已尝试 %d 次 · %s",
	"just now":                       "刚刚",
	"%d min":                         "%d 分钟",
	"%d h":                           "%d 小时",
	"%d days":                        "%d 天",
	"not yet":                        "本次启动后尚无",
	"To sync: %d":                    "待同步 %d",
	"Other":                          "其他",
	"Online":                         "在线",
	"Offline":                        "离线",
	"Partly available":               "部分可用",
	"Confirm a payment":              "确认支付结果",
	"Confirm a refund":               "确认退款结果",
	"Download a bill":                "下载对账单",
	"Upload an offline card payment": "上传离线刷卡交易",
	"Gave up after %s tries: ":       "已尝试 %s 次仍失败：",
	"This till cannot do this kind of job yet (update the software).":            "本机暂不能处理此类任务（请升级软件）。",
	"Program error; the details are in the log.":                                 "程序错误，详情见日志。",
	"The job does not match its payment. Call for support.":                      "任务与支付记录不符，请联系技术支持。",
	"Disk full. Free some disk space.":                                           "磁盘已满，请清理磁盘。",
	"The provider is offline.":                                                   "支付机构离线。",
	"The provider has not given the outcome yet.":                                "支付机构尚未给出支付结果。",
	"The provider has not given the refund's outcome yet.":                       "支付机构尚未给出退款结果。",
	"The provider did not answer in time.":                                       "支付机构应答超时。",
	"Cannot reach the provider.":                                                 "无法连接支付机构。",
	"The provider's server had an error.":                                        "支付机构服务器出错。",
	"The channel is not set up.":                                                 "该渠道尚未设置。",
	"Disk full: this sale was not charged. Free some disk space and try again.":  "磁盘已满，本笔未收款，请清理磁盘后重试",
	"A restore is already waiting for the next start.":                           "已有一个备份等待重启后恢复。",
	"Checking the backup…":                                                       "正在检查备份…",
	"Do not restore":                                                             "取消恢复",
	"No automatic backups yet: the till makes one at start and every few hours.": "还没有自动备份：收银软件在启动时和每隔几小时自动备份。",
	"Restore at next start":                                                      "重启后恢复",
	"Restore from backup":                                                        "从备份恢复",
	"Restore from backup…":                                                       "从备份恢复…",
	"The backup cannot be restored: ":                                            "该备份无法恢复：",
	"The restore was cancelled; the till keeps its database.":                    "已取消恢复，继续使用当前数据库。",
	"The till restores the chosen backup when it next starts; the current database is kept beside it. Sales made after the backup are not in it.": "所选备份将在收银软件下次启动时恢复，当前数据库会另存一份。备份之后的销售不在备份中。",
	"The backup of %s will be restored when the till next starts. Close and reopen the till.":                                                     "%s 的备份已准备好，重启后生效。请关闭并重新打开收银软件。",
}

func init() {
	for en, zh := range zhSync {
		if _, ok := zhCN[en]; !ok {
			zhCN[en] = zh
		}
	}
}
