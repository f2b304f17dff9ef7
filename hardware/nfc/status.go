package nfc

import "fmt"

// Status words this package acts on (ISO 7816-4 §5.6, EMV Book 1 §11).
const (
	SWOK                     uint16 = 0x9000
	SWWrongLength            uint16 = 0x6700
	SWSecurityNotSatisfied   uint16 = 0x6982
	SWConditionsNotSatisfied uint16 = 0x6985 // in qPBOC GPO: use another interface
	SWFunctionNotSupported   uint16 = 0x6A81
	SWFileNotFound           uint16 = 0x6A82
	SWRecordNotFound         uint16 = 0x6A83
	SWINSNotSupported        uint16 = 0x6D00
	SWCLANotSupported        uint16 = 0x6E00
)

// Instruction bytes of the commands sent here.
const (
	insSelect      = 0xA4
	insReadRecord  = 0xB2
	insGetResponse = 0xC0
	insGetData     = 0xCA
	insGPO         = 0xA8
)

// swMeanings holds the well-known status words; the rest are named by their
// first byte in StatusError.Meaning.
var swMeanings = map[uint16]string{
	0x6200: "warning, no information given",
	0x6281: "part of the returned data may be corrupted",
	0x6282: "end of file or record reached before Le bytes",
	0x6283: "selected file or application blocked",
	0x6300: "verification failed",
	0x6581: "memory failure",
	0x6700: "wrong length",
	0x6881: "logical channel not supported",
	0x6882: "secure messaging not supported",
	0x6981: "command incompatible with file structure",
	0x6982: "security status not satisfied",
	0x6983: "authentication method blocked",
	0x6984: "reference data not usable",
	0x6985: "conditions of use not satisfied",
	0x6986: "command not allowed, no current EF",
	0x6A80: "incorrect data field",
	0x6A81: "function not supported",
	0x6A82: "file or application not found",
	0x6A83: "record not found",
	0x6A84: "not enough memory space",
	0x6A86: "incorrect parameters P1-P2",
	0x6A88: "referenced data not found",
	0x6B00: "wrong parameters P1-P2",
	0x6D00: "instruction not supported",
	0x6E00: "class not supported",
	0x6F00: "no precise diagnosis",
	0x9000: "success",
}

// swClasses names a status word by its first byte when the whole word is not
// in swMeanings.
var swClasses = map[byte]string{
	0x62: "warning, memory unchanged",
	0x63: "warning, memory changed",
	0x64: "execution error, memory unchanged",
	0x65: "execution error, memory changed",
	0x67: "wrong length",
	0x68: "function in CLA not supported",
	0x69: "command not allowed",
	0x6A: "wrong parameters",
	0x6C: "wrong Le",
}

// StatusError is a status word other than 9000 at the end of an exchange.
// errors.Is(err, &StatusError{SW: SWFileNotFound}) tests for one word.
type StatusError struct {
	SW uint16
}

// Error says the status word and its meaning.
func (e *StatusError) Error() string {
	return fmt.Sprintf("nfc: card answered %04X (%s)", e.SW, e.Meaning())
}

// Is reports whether target is a *StatusError with the same status word.
func (e *StatusError) Is(target error) bool {
	t, ok := target.(*StatusError)
	return ok && t.SW == e.SW
}

// Meaning describes the status word in English for the log.
func (e *StatusError) Meaning() string {
	if m, ok := swMeanings[e.SW]; ok {
		return m
	}
	if e.SW&0xFFF0 == 0x63C0 {
		return fmt.Sprintf("verification failed, %d tries left", e.SW&0x0F)
	}
	if m, ok := swClasses[byte(e.SW>>8)]; ok {
		return m
	}
	return "unknown status"
}
