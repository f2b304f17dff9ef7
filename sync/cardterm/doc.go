// Package cardterm takes contactless bank cards (闪付 / QuickPass) at the
// till, behind one small interface, Terminal: charge an amount, get an
// approval or a decline.
//
// Two kinds of terminal implement it:
//
//   - PCSCTerminal, here: a generic PC/SC reader on the till (ACR122U and
//     the like) runs the contactless read of package hardware/nfc, and the
//     card's cryptogram is authorized online at the acquirer (ARQC) or, for
//     a TC within the floor limit, approved offline and uploaded later with
//     Capture. It suits development, training and the demo shop against the
//     simulator, and acquirers who accept a software reader.
//   - An acquirer's certified POS terminal, driven through its ECR
//     ("收银机联动") link over serial, USB, LAN or the acquirer's cloud: the
//     terminal runs the certified EMV kernel, the PIN pad and the acquirer
//     keys, and reports the result (masked PAN, reference and voucher
//     numbers). That is how real card acceptance works in China (PROTOCOLS.md
//     §4.2); it implements the same Terminal, so the checkout does not change.
//
// # Dependencies
//
// The package lives under sync/ because a card charge is a payment at a
// provider: it speaks pos (pos.CardResult, pos.CardCapture,
// pos.CardAuthRequest, the floor-limit rule pos.CardPolicy) and reaches the
// network, through Acquirer. It cannot live under hardware/, which imports
// nothing of ours. It imports hardware/nfc (pure EMV) and hardware/nfc/pcsc
// (the one PC/SC binding), which import nothing of ours, so no cycle can
// form; it does not import sync/unionpay: Acquirer is declared here, by its
// consumer, and *unionpay.Client satisfies it (app wires them). deps_test.go
// holds it to that.
//
// # Card data
//
// The PAN is masked (first 6 / last 4) and tokenized (HMAC-SHA256 under
// Config.TokenKey) as soon as the card is read. The full PAN exists only
// in memory, inside the nfc.Card, until the authorization request has been
// sent or the offline approval sealed; then it is wiped. An offline
// approval's PAN is kept only sealed (AES-256-GCM under Config.SealKey,
// bound to its out_trade_no), because its later upload needs it. The track
// 2 equivalent is never kept (package nfc zeroes it), and the card's keys
// never leave the card. Logs, errors and every fmt verb show masked
// numbers only.
package cardterm
