-- What remains on each invoice is the sum of its ledger entries: a covering index lets the
-- arrears list and the fees pages sum them without reading the table.
DROP INDEX ledger_entries_invoice;
CREATE INDEX ledger_entries_invoice_amount ON ledger_entries (invoice_id, amount);
