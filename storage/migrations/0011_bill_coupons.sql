-- 0011_bill_coupons: a WeChat coupon (代金券) that paid part of an order.
-- A bill row's amount stays the order's; coupon_fen is the part a coupon
-- paid and unsettled_fen the part of that the provider does not pay out
-- (a merchant-funded 免充值券). Rows and days stored before have none.
ALTER TABLE bill_rows ADD COLUMN coupon_fen INTEGER NOT NULL DEFAULT 0 CHECK (coupon_fen >= 0);
ALTER TABLE bill_rows ADD COLUMN unsettled_fen INTEGER NOT NULL DEFAULT 0 CHECK (unsettled_fen >= 0);
ALTER TABLE recon_items ADD COLUMN bill_coupon_fen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE recon_items ADD COLUMN bill_unsettled_fen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE recon_channels ADD COLUMN unsettled_fen INTEGER NOT NULL DEFAULT 0;
