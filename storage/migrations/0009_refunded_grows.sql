-- 0009_refunded_grows: a payment's refunded total only ever grows. A save
-- that would lower it carries a stale copy of the payment (another refund
-- ended meanwhile) and must fail rather than lose that refund's amount.
CREATE TRIGGER payments_refunded_grows BEFORE UPDATE OF refunded_fen ON payments
WHEN NEW.refunded_fen < OLD.refunded_fen
BEGIN SELECT RAISE(ABORT, 'a payment''s refunded total never decreases'); END;
