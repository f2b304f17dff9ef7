-- 0008_fee_rates: each settlement channel's contracted fee rate, in basis
-- points of a payment (60 = 0.6 %). Reconciliation works out the fees it
-- expects with it; the bill's fee is the truth, so a wrong rate shows as
-- fee differences, never as changed figures. A channel without a row has
-- the default rate (settlement.DefaultFeeRateBP). Each day's stored result
-- keeps the rate it used (recon_channels), so changing a rate does not
-- rewrite what earlier runs said.
CREATE TABLE fee_rates (
	channel    TEXT PRIMARY KEY CHECK (channel IN ('alipay', 'wechat', 'acquirer')),
	rate_bp    INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
	updated_at TEXT NOT NULL
) STRICT;
