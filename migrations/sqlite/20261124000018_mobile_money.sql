-- Mobile money: one row per attempt by a parent to pay through an aggregator (PayGate
-- Global, FedaPay) or the demo operator. The identifier is ours, sent to the provider; the
-- idempotency key comes from the parent's form, so a refreshed or re-submitted page never
-- makes a second attempt. A payment is credited once: payment_id (the receipt) is unique,
-- and only a row not yet paid moves to paid.
CREATE TABLE momo_payments (
    id              INTEGER PRIMARY KEY,
    identifier      TEXT NOT NULL UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    provider        TEXT NOT NULL,
    network         TEXT NOT NULL CHECK (network IN ('flooz', 'tmoney')),
    phone           TEXT NOT NULL,
    student_id      BIGINT NOT NULL REFERENCES students (id),
    user_id         BIGINT NOT NULL REFERENCES users (id),
    amount          BIGINT NOT NULL CHECK (amount > 0),
    state           TEXT NOT NULL DEFAULT 'created'
                    CHECK (state IN ('created', 'pending', 'paid', 'failed', 'expired', 'cancelled', 'review')),
    provider_ref    TEXT UNIQUE,
    payment_ref     TEXT,
    payment_id      BIGINT UNIQUE REFERENCES payments (id),
    review_reason   TEXT,
    paid_amount     BIGINT,
    checks          BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    confirmed_at    TEXT,
    resolved_by     BIGINT REFERENCES users (id),
    resolution      TEXT
);
CREATE INDEX momo_payments_student ON momo_payments (student_id);
CREATE INDEX momo_payments_state ON momo_payments (state);

-- Every callback as it arrived, whatever became of it (kept for the bursar and disputes).
CREATE TABLE momo_callbacks (
    id          INTEGER PRIMARY KEY,
    provider    TEXT NOT NULL,
    received_at TEXT NOT NULL,
    body        TEXT NOT NULL,
    signature   TEXT,
    identifier  TEXT,
    payment_id  BIGINT REFERENCES momo_payments (id),
    verdict     TEXT NOT NULL
);
CREATE INDEX momo_callbacks_payment ON momo_callbacks (payment_id);

-- The demo operator's side: what the parent answered on the simulated phone.
CREATE TABLE momo_demo (
    identifier TEXT PRIMARY KEY,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'paid', 'cancelled')),
    amount     BIGINT NOT NULL,
    reference  TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
