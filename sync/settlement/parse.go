package settlement

import "zhanggui/pos"

// Parse reads a bill of channel ch: ParseAlipay, ParseWechat or
// ParseAcquirer.
func Parse(ch Channel, data []byte) (Bill, error) {
	switch ch {
	case Alipay:
		return ParseAlipay(data)
	case Wechat:
		return ParseWechat(data)
	case Acquirer:
		return ParseAcquirer(data)
	}
	return Bill{}, pos.Errorf(pos.CodeInvalid, "settlement: no bill format for channel %q", ch)
}
