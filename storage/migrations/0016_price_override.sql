-- 0016_price_override: a sale line sold at a price set by hand (改价) keeps
-- the catalogue price it replaced, for the receipt and the audit. 0: none.
ALTER TABLE sale_lines ADD COLUMN old_price_fen INTEGER NOT NULL DEFAULT 0 CHECK (old_price_fen >= 0);
