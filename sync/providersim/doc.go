// Package providersim simulates the wire protocols of the payment providers
// a till talks to: the Alipay OpenAPI gateway, WeChat Pay API v2 (XML) and
// v3 (JSON), and an acquirer API for UnionPay QR, e-CNY and QuickPass cards.
// It serves them on loopback for tests, training mode and the demo shop,
// with its own keys, wallets, ledger and bill files.
//
// It implements the providers' side from ../shared/PROTOCOLS.md with its
// own signing and parsing code. It must import no provider client (ours in
// sync/..., smartwalle/alipay, wechatpay-go): a signing bug shared by client
// and simulator would pass every test (deps_test.go enforces this; the
// third-party clients appear in tests only, as independent cross-checks).
// Money is integer fen (zhanggui/pos/money); yuan strings are converted
// exactly, never through a float.
//
// # Starting it
//
//	s, err := providersim.New(providersim.Config{DataDir: dir}) // keys made on first start, loaded later
//	go s.ListenAndServe(ctx, "127.0.0.1:8090")                  // or httptest.NewServer(s.Handler())
//	creds := s.Credentials()                                     // everything a client needs
//
// From the command line, RunSimCommand serves `zhanggui sim --addr
// 127.0.0.1:PORT [--data-dir DIR]` until SIGINT/SIGTERM and prints the
// addresses and where the credentials were written. Only loopback
// addresses are accepted: the simulator has test keys and no access control.
//
// Config.Now is the simulator's clock: code expiry, refund/cancel/reverse
// windows (Config.Windows, defaults from PROTOCOLS.md §7), bill days
// (Beijing time), the 300 s timestamp window of v3 and acquirer requests,
// and the timestamps of signed v3 answers. Third-party v3 clients check
// those against their own clock, so keep Now near the real time for them.
//
// # Endpoints
//
// One mux serves everything (paths relative to http://ADDR):
//
//	Alipay OpenAPI   POST /alipay/gateway.do   parameters in the query string, the form body, or both
//	                   alipay.trade.pay (scene bar_code, wave_code), alipay.trade.precreate,
//	                   alipay.trade.query, alipay.trade.cancel, alipay.trade.close,
//	                   alipay.trade.refund, alipay.trade.fastpay.refund.query,
//	                   alipay.data.dataservice.bill.downloadurl.query (bill_type trade)
//	                 GET  /alipay/bill/download?fileId=…   the bill_download_url (once, 30 s)
//	WeChat Pay v2    POST /wechat/pay/micropay, /wechat/pay/orderquery, /wechat/secapi/pay/reverse,
//	                      /wechat/secapi/pay/refund, /wechat/pay/refundquery, /wechat/pay/downloadbill
//	WeChat Pay v3    POST /wechat/v3/pay/transactions/codepay, …/native
//	                 GET  /wechat/v3/pay/transactions/out-trade-no/{no}?mchid=, …/id/{transaction_id}?mchid=
//	                 POST /wechat/v3/pay/transactions/out-trade-no/{no}/close   (204)
//	                 POST /wechat/v3/pay/transactions/out-trade-no/{no}/reverse
//	                 POST /wechat/v3/refund/domestic/refunds
//	                 GET  /wechat/v3/refund/domestic/refunds/{out_refund_no}
//	                 GET  /wechat/v3/bill/tradebill?bill_date=YYYY-MM-DD[&bill_type=ALL][&tar_type=GZIP]
//	                 GET  /wechat/v3/billdownload/file?token=…   (signed request, unsigned answer, 5 min)
//	                 GET  /wechat/v3/certificates                  (AES-256-GCM with the APIv3 key)
//	Acquirer         POST /acquirer/v1/qr/pay, /v1/qr/precreate, /v1/qr/close, /v1/card/authorize,
//	                      /v1/card/capture, /v1/query, /v1/reverse, /v1/refund, /v1/refund/query
//	                      (see "The acquirer API")
//	Demo phone       POST /customer/code, /customer/scan, /customer/pay, /customer/password;
//	                 GET  /customer/balance   (unauthenticated; see customer_http.go)
//
// # Configuring a client from Credentials
//
// Alipay, public-key mode (cert mode and alipay_cert_sn are not simulated):
// app_id Credentials.Alipay.AppID; sign requests with AppPrivateKeyPEM
// (PKCS#8); verify answers with AlipayPublicKeyPEM; gateway
// http://ADDR/alipay/gateway.do. With smartwalle/alipay/v3:
//
//	c, _ := alipay.New(cr.Alipay.AppID, cr.Alipay.AppPrivateKeyPEM, true,
//		alipay.WithProductionGateway("http://127.0.0.1:8090/alipay/gateway.do"))
//	c.LoadAliPayPublicKey(cr.Alipay.AlipayPublicKeyPEM)
//
// Requests are verified per §1.2 (every parameter but sign, empties dropped,
// sorted by key, raw k=v joined with &, RSA2). Answers are
// {"<method>_response":{…},"sign":"…"}: the node first, signed over its exact
// text. Unknown methods answer an unsigned error_response.
//
// WeChat Pay v2: appid WeChat.AppID, mch_id WeChat.MchID, key
// WeChat.APIv2Key (MD5 or HMAC-SHA256, answered in the type asked), base
// http://ADDR/wechat. /secapi needs no client certificate unless
// Config.WeChatRequireClientCert is set; then serve over TLS with
// tls.RequestClientCert and present WeChat.MerchantCertPEM/MerchantPrivateKeyPEM.
//
// WeChat Pay v3: mchid WeChat.MchID, serial_no WeChat.MerchantSerial,
// private key WeChat.MerchantPrivateKeyPEM. Answers are signed in
// public-key mode (Wechatpay-Serial WeChat.PublicKeyID, verify with
// WeChat.PublicKeyPEM) unless the request's Wechatpay-Serial names
// WeChat.PlatformSerial, then in certificate mode (WeChat.PlatformCertPEM,
// also served by /v3/certificates). The real API has no /wechat prefix, so
// the canonical URL of the signature is the path and query without it (a
// client that signs the full path it sent is accepted too). wechatpay-go
// has the host built in: give it an http.Client whose RoundTripper rewrites
// https://api.mch.weixin.qq.com/v3/… to http://ADDR/wechat/v3/… (PROTOCOLS.md
// §5; wechat_interop_test.go has one):
//
//	core.NewClient(ctx, option.WithWechatPayPublicKeyAuthCipher(cr.WeChat.MchID,
//		cr.WeChat.MerchantSerial, merchantKey, cr.WeChat.PublicKeyID, wechatPayPublicKey),
//		option.WithHTTPClient(&http.Client{Transport: rewriteHost}))
//
// Acquirer: merchant Acquirer.MerchantID, terminal Acquirer.TerminalID, key
// the 32 bytes of hex Acquirer.HMACKey.
//
// # Wallets, codes and cards
//
// Users hold one balance usable with every provider; "demo" exists from the
// start, others are made on first use with Config.DefaultBalance (AddUser,
// SetBalance, Balance). NewPaymentCode(provider, user) issues a single-use
// code with the provider's shape (§3): Alipay 25–30 + 16 digits, WeChat 10–15
// + 16, UnionPay 62 + 17, e-CNY 01 + 17; it expires after Config.CodeTTL
// (60 s). Unknown, used or another provider's codes are invalid; with
// Config.AcceptUnknownCodes a well-formed unknown code pays as "demo".
// NewCard(user) issues a QuickPass card (CardInfo) whose Cryptogram method
// computes the ARQC/TC the simulated issuer verifies.
//
// # Scripting
//
// Script(on, steps...) decides how matching requests go, one step per
// request in order: OnCode(code), OnOutTradeNo(no) (also queries, cancels,
// refunds and CustomerPay of that order) and OnAmount(fen) (payments and
// QR orders).
// Precedence: code, out_trade_no, amount, then User.Behaviour, then
// Success. Code and out_trade_no scripts are used up after their last step;
// an amount script keeps its last step for good. The behaviours:
//
//	Success                     charge at once (if the balance allows)
//	PasswordThenSuccess(n, d)   10003 / USERPAYING / 202 / PAYING; paid at the n-th query, after d,
//	                            or on CustomerConfirmPassword
//	PasswordThenFail(n, d)      the same, then PAYERROR (Alipay: stays WAIT_BUYER_PAY until cancelled)
//	InsufficientBalance         ACQ.BUYER_BALANCE_NOT_ENOUGH / NOTENOUGH / 403 NOT_ENOUGH / 51
//	SystemErrorHiddenSuccess    20000 isp.unknow-error / SYSTEMERROR / 500 SYSTEM_ERROR / 96, but charged
//	SystemErrorHiddenFail       the same answer, nothing booked, the code still unused
//	DropConnectionAfterCharge   charged, then the connection is closed without an answer
//	SlowAnswer(d)               done at once, answered after d (or when the client gives up)
//	RateLimited                 40005 aop.call-limited / FREQUENCY_LIMITED / 429 / 65; nothing done
//	BadSignature                charged, the answer's signature tampered
//	CodeExpired                 ACQ.PAYMENT_AUTH_CODE_INVALID / AUTHCODEEXPIRE / 403 AUTHCODEEXPIRE / 33
//	RiskRejected                ACQ.PAYMENT_REQUEST_HAS_RISK / TRADE_ERROR / 403 TRADE_ERROR / 05
//
// Combine(SlowAnswer(d), PasswordThenSuccess(2, 0)) merges a transport
// behaviour with an outcome. A retry of a dropped payment meets the next
// step, so script it too: Script(OnAmount(x), DropConnectionAfterCharge, Success).
//
// The customer side (the demo phone): CustomerScan(no) and CustomerPay(no)
// for a precreate/native QR (C扫B; before the scan Alipay knows no trade),
// CustomerConfirmPassword(no) and CustomerCancel(no) for a payment waiting
// on the password.
//
// # Ledger and rules
//
// Charges() lists every money movement (payment, refund, reversal) with its
// fee: FeeRateBP of the amount (0.6%), rounded half up per transaction;
// refunds return the fee in proportion, the last one what is left. A
// payment is charged at most once per out_trade_no and merchant (Alipay,
// WeChat v2+v3, acquirer): the same request again answers the trade's state;
// another amount is ACQ.CONTEXT_INCONSISTENT / OUT_TRADE_NO_USED / 94;
// another code for a paid trade ACQ.TRADE_HAS_SUCCESS / ORDERPAID. Refunds
// are idempotent on their request number (fund_change N on a repeat),
// cumulative, never above what was paid; WeChat also limits 50 refunds per
// order, one minute apart. Windows: Alipay refund 90 d and cancel 24 h,
// WeChat refund 365 d and reverse 7 d, acquirer reverse 24 h and refund 365 d.
//
// # Bills
//
// Bills come from the ledger for a Beijing-time day (a payment at 23:59:58
// is on that day's bill) once the day is over (WeChat: from 10:00 the next
// day, for 3 months). Alipay (§1.8): a zip whose entries
// {PID}0156_{yyyyMMdd}_业务明细.csv and …_业务明细(汇总).csv have GBK names
// (no UTF-8 flag) and GBK content, TAB-suffixed text cells, full-width
// （元）, refunds as negative rows, 服务费 negative; daily or monthly
// (yyyy-MM). WeChat (§2.5): UTF-8 CSV with CRLF, every cell after a
// backtick, 27 columns, SUCCESS/REFUND/REVOKED rows, a summary line, gzip on
// request; v3 gives its SHA1. Refund rows carry the original order's
// 应结订单金额 (as in WeChat's sample); the summary's 应结订单总金额 sums
// payments only [U].
//
// # The acquirer API
//
// Small merchants reach UnionPay and e-CNY through an acquirer (§4.1); this
// is the simulator's own, simple design of one, in the pay → query →
// reverse → refund shape of the wallets.
//
// Every request is a POST with a JSON body and the headers X-Acq-Merchant
// (merchant id), X-Acq-Timestamp (Unix seconds, within 300 s), X-Acq-Nonce
// (1–32 characters) and X-Acq-Signature = lower-case hex
// HMAC-SHA256(key, METHOD\nPATH\nTIMESTAMP\nNONCE\nBODY\n), PATH as
// /v1/… (without /acquirer; the full path is accepted too). Answers carry
// X-Acq-Timestamp, X-Acq-Nonce and X-Acq-Signature = hex
// HMAC-SHA256(key, TIMESTAMP\nNONCE\nBODY\n). A bad signature is HTTP 401
// with resp_code A0; everything else is HTTP 200 with a resp_code.
// Amounts are integer fen (amount_fen).
//
//	/v1/qr/pay           {order_no, qr_no (62… or 01…, 19 digits), amount_fen, subject, store_id}
//	/v1/qr/precreate     {order_no, amount_fen, subject, store_id, expire_seconds (60–7200, 0: 7200)}:
//	                     a dynamic QR (https://qr.95516.com/00010000/…) for the customer to scan;
//	                     the order answer (NOTPAY) with qr_code and expires_at (acquirer_qr.go)
//	/v1/qr/close         {order_no}   close an unpaid QR order for good; 12 once paid
//	/v1/card/authorize   {order_no, amount_fen, pan, pan_seq, expiry (YYMM), atc (4 hex),
//	                      unpredictable_number (8 hex), txn_date (YYMMDD), arqc (16 hex)}
//	/v1/card/capture     the same with tc instead of arqc, and approved_at (RFC 3339): a
//	                     transaction the card approved offline, uploaded later
//	/v1/query            {order_no}
//	/v1/reverse          {order_no}   close unpaid, give back paid (24 h)
//	/v1/refund           {order_no, refund_no, amount_fen, reason}   idempotent on refund_no
//	/v1/refund/query     {refund_no}
//
// An order answer: {resp_code "00", resp_msg, order_no, txn_no, wallet
// (UNIONPAY, ECNY, CARD), status (NOTPAY: a QR nobody scanned yet, PAYING,
// SUCCESS, REFUNDED, FAILED, CLOSED, REVERSED), amount_fen, refunded_fen, paid_at, voucher_no, and for cards
// masked_pan, entry (ONLINE, OFFLINE), auth_code, rrn, arpc; orig_resp_code
// for FAILED}. Response codes: 00 processed (read status), 05 declined,
// 12 state does not allow, 14 invalid card or code, 25 no such order,
// 30 format, 33 code expired, 51 insufficient balance, 54 card expired,
// 61 exceeds refundable, 65 too many requests, 94 duplicate (order_no or
// refund_no with other content), 96 system error (outcome unknown: query),
// A0 bad signature, Q1 card authentication failed (cryptogram or a replayed
// ATC), R1 past the reverse/refund window. A repeat of an order_no answers
// the order without checking the card again, so a timed-out authorization
// can be retried safely.
//
// Cryptograms (CardInfo.Cryptogram) are the first 8 bytes of
// HMAC-SHA256(card key, "ARQC|TC" | amount as 12 digits | 0156 | date | UN |
// ATC) in hex: a simplification of EMV's session-key MACs that keeps what
// the till must handle (a per-card secret, the amount bound in, a rising
// ATC). A TC that does not verify, or a balance short at upload time,
// leaves the capture FAILED: the merchant's risk of offline approval.
//
// # Known approximations
//
// Marked [U] in PROTOCOLS.md and chosen here: the v3 codepay in-progress and
// error answers (202 USERPAYING, 403/400 codes named like v2's), Alipay's
// rate-limit sub_code, a precreate QR being unknown to query/close/cancel
// until scanned (and staying payable: the till must close it after the
// scan or let timeout_express lapse), WeChat refund rows in bills. Not
// simulated: asynchronous notifications, Alipay certificate mode, the
// Alipay signcustomer (fund) bill, WeChat fund-flow bills, service-provider
// (sub-merchant) fields.
package providersim
