package vcard

// Test card data. The PANs pass the Luhn check but belong to no one.
const (
	UnionPayPAN = "6222021001123456789"
	VisaPAN     = "4761739001010010"
)

// qPBOCPDOL is a typical UnionPay QuickPass PDOL (PROTOCOLS.md §4.2): TTQ,
// amount, other amount, country, TVR, currency, date, type, unpredictable
// number, and the electronic-cash support indicator 9F7A, which the till
// does not know and must send as zero.
const qPBOCPDOL = "9F66049F02069F03069F1A0295055F2A029A039C019F37049F7A01"

// UnionPayDebit is a UnionPay QuickPass (闪付) debit card: PPSE with AID
// A000000333010101, a qPBOC PDOL, a format 2 GPO answer with AIP, AFL and
// the cryptogram (a TC for amounts under floorFen, else an ARQC), and two
// records: track 2, then PAN, expiry (2028-12) and PAN sequence number 01.
func UnionPayDebit(floorFen int64) *EMVCard {
	return &EMVCard{
		AID:         "A000000333010101",
		Label:       "UnionPay Debit",
		Directory:   []DirEntry{{AID: "A000000333010101", Label: "UnionPay Debit", Priority: 1}},
		PDOL:        qPBOCPDOL,
		PAN:         UnionPayPAN,
		Expiry:      "281231",
		ServiceCode: "220",
		PSN:         1,
		PANInRecord: true,
		SFI:         1,
		AIP:         "7C00",
		FloorFen:    floorFen,
		UID:         []byte{0x08, 0x5A, 0x3C, 0x91},
		Key:         []byte("unionpay-test-key-0001"),
	}
}

// Visa is a Visa card that behaves like a T=0 card: its PPSE lists Visa
// Electron (priority 2) before Visa credit (priority 1), so the reader must
// sort; SELECT of the credit AID answers 61xx and hands its FCI out in
// 32-byte GET RESPONSE chunks; READ RECORD answers 6Cxx until Le is exact.
// The GPO answers in format 1 (no cryptogram) and the one record in SFI 2
// holds only track 2 (expiry 2027-06) and the PAN sequence number 00.
func Visa() *EMVCard {
	return &EMVCard{
		AID:           "A0000000031010",
		Label:         "VISA CREDIT",
		PreferredName: "VISA CREDITO",
		Directory: []DirEntry{
			{AID: "A0000000032010", Label: "VISA ELECTRON", Priority: 2},
			{AID: "A0000000031010", Label: "VISA CREDIT", Priority: 1},
		},
		PDOL:        "9F66049F02069F37045F2A02",
		PAN:         VisaPAN,
		Expiry:      "270630",
		ServiceCode: "201",
		PSN:         0,
		SFI:         2,
		AIP:         "2000",
		Format1:     true,
		ChunkSize:   32,
		ExactLe:     true,
		UID:         []byte{0x08, 0x11, 0x22, 0x33},
		Key:         []byte("visa-test-key-0001"),
	}
}

// MemberUID is the UID of the Member card.
var MemberUID = []byte{0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6}

// Member is a MIFARE Ultralight member card (insert it with ATRUltralight):
// it answers the PC/SC GET DATA for the UID (FF CA) with uid, 7 bytes for
// Ultralight, and has no payment application (6A82 to SELECT).
func Member(uid []byte) Handler {
	return func(apdu []byte) []byte {
		cmd, ok := parseCommand(apdu)
		switch {
		case !ok:
			return reply(nil, swWrongLength)
		case cmd.cla == 0xFF && cmd.ins == 0xCA && cmd.p1 == 0x00:
			return reply(uid, swOK)
		case cmd.ins == 0xA4:
			return reply(nil, swFileNotFound)
		default:
			return reply(nil, swINSNotSupported)
		}
	}
}

// Malformed is a card whose PPSE answer is broken BER-TLV: the directory
// entry (61) claims 16 bytes and holds 9.
func Malformed() Handler {
	broken := mustHex("6F20840E325041592E5359532E4444463031A50EBF0C0B" + "6110" + "4F07A0000003330101")
	return func(apdu []byte) []byte {
		cmd, ok := parseCommand(apdu)
		switch {
		case !ok:
			return reply(nil, swWrongLength)
		case cmd.cla == 0xFF && cmd.ins == 0xCA:
			return reply([]byte{0x08, 0xBA, 0xD0, 0x01}, swOK)
		case cmd.ins == 0xA4:
			return reply(broken, swOK)
		default:
			return reply(nil, swINSNotSupported)
		}
	}
}

// Pulled is card h taken away at the worst moment: it answers like h up to
// and including SELECT AID, then leaves the field instead of answering GET
// PROCESSING OPTIONS.
func Pulled(h Handler) Handler {
	return func(apdu []byte) []byte {
		if len(apdu) >= 2 && apdu[0] == 0x80 && apdu[1] == 0xA8 {
			return nil
		}
		return h(apdu)
	}
}
