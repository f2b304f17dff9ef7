package ui

// zhLock translates the till's lock and the staff tab (lock.go).
var zhLock = map[string]string{
	"Zhanggui: log in":                 "掌柜：请登录",
	"Locked by %s: log in to carry on": "%s 已锁屏：登录后继续",
	"Lock / switch cashier (Ctrl+L)":   "锁屏 / 换人 (Ctrl+L)",
	"Only the owner (or whom the permission table allows) manages staff.": "只有店主（或权限表允许的人）可以管理员工。",
}

func init() { mergeZh("zhLock", zhLock) }
