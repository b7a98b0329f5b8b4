-- Fees: fee types, tranches per level and year, invoices, discounts, desk payments with
-- numbered receipts, and the append-only ledger that every balance is summed from.

CREATE TABLE fee_types (
    id   INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

-- What a level owes for a year, in tranches with due dates.
CREATE TABLE fee_tranches (
    id             INTEGER PRIMARY KEY,
    school_year_id BIGINT NOT NULL REFERENCES school_years (id),
    level_id       BIGINT NOT NULL REFERENCES levels (id),
    fee_type_id    BIGINT NOT NULL REFERENCES fee_types (id),
    label          TEXT NOT NULL,
    amount         BIGINT NOT NULL CHECK (amount > 0),
    due_on         TEXT NOT NULL,
    UNIQUE (school_year_id, level_id, fee_type_id, label)
);

-- One tranche billed to one student. Never changed once written.
CREATE TABLE invoices (
    id         INTEGER PRIMARY KEY,
    student_id BIGINT NOT NULL REFERENCES students (id),
    tranche_id BIGINT NOT NULL REFERENCES fee_tranches (id),
    amount     BIGINT NOT NULL CHECK (amount > 0),
    due_on     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (student_id, tranche_id)
);
CREATE INDEX invoices_tranche ON invoices (tranche_id);

CREATE TABLE discounts (
    id             INTEGER PRIMARY KEY,
    student_id     BIGINT NOT NULL REFERENCES students (id),
    school_year_id BIGINT NOT NULL REFERENCES school_years (id),
    fee_type_id    BIGINT NOT NULL REFERENCES fee_types (id),
    kind           TEXT NOT NULL CHECK (kind IN ('fratrie', 'personnel', 'bourse', 'autre')),
    percent        BIGINT CHECK (percent BETWEEN 1 AND 100),
    amount         BIGINT CHECK (amount > 0),
    reason         TEXT,
    granted_by     BIGINT NOT NULL REFERENCES users (id),
    granted_at     TEXT NOT NULL,
    CHECK ((percent IS NULL) <> (amount IS NULL))
);
CREATE INDEX discounts_student ON discounts (student_id);

-- The last receipt number given in each school year: receipts are numbered without gaps.
CREATE TABLE receipt_counters (
    school_year_id BIGINT PRIMARY KEY REFERENCES school_years (id),
    last_no        BIGINT NOT NULL
);

-- A receipt. A mistake is corrected by a reversing receipt (negative amount), never by an edit.
CREATE TABLE payments (
    id          INTEGER PRIMARY KEY,
    receipt_no  TEXT NOT NULL UNIQUE,
    student_id  BIGINT NOT NULL REFERENCES students (id),
    amount      BIGINT NOT NULL CHECK (amount <> 0),
    method      TEXT NOT NULL CHECK (method IN ('especes', 'cheque', 'virement', 'mobile_money')),
    reference   TEXT,
    payer       TEXT,
    note        TEXT,
    reverses_id BIGINT UNIQUE REFERENCES payments (id),
    received_by BIGINT REFERENCES users (id),
    received_at TEXT NOT NULL,
    CHECK ((amount > 0) = (reverses_id IS NULL))
);
CREATE INDEX payments_student ON payments (student_id);
CREATE INDEX payments_received_at ON payments (received_at);

-- Positive: owed by the family (an invoice, a reversed payment). Negative: paid or forgiven.
CREATE TABLE ledger_entries (
    id          INTEGER PRIMARY KEY,
    student_id  BIGINT NOT NULL REFERENCES students (id),
    kind        TEXT NOT NULL CHECK (kind IN ('invoice', 'discount', 'payment', 'reversal')),
    amount      BIGINT NOT NULL CHECK (amount <> 0),
    invoice_id  BIGINT REFERENCES invoices (id),
    payment_id  BIGINT REFERENCES payments (id),
    discount_id BIGINT REFERENCES discounts (id),
    at          TEXT NOT NULL,
    by_user_id  BIGINT REFERENCES users (id)
);
CREATE INDEX ledger_entries_student ON ledger_entries (student_id);
CREATE INDEX ledger_entries_invoice ON ledger_entries (invoice_id);
CREATE INDEX ledger_entries_payment ON ledger_entries (payment_id);

CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'append-only: ledger_entries'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'append-only: ledger_entries'); END;
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments
BEGIN SELECT RAISE(ABORT, 'append-only: payments'); END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
BEGIN SELECT RAISE(ABORT, 'append-only: payments'); END;
CREATE TRIGGER invoices_no_update BEFORE UPDATE ON invoices
BEGIN SELECT RAISE(ABORT, 'append-only: invoices'); END;
CREATE TRIGGER invoices_no_delete BEFORE DELETE ON invoices
BEGIN SELECT RAISE(ABORT, 'append-only: invoices'); END;
