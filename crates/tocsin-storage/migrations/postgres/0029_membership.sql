-- Membership (issue 23): organizations that sign themselves up, the CERT/CSIRT alliance and
-- the sector ISACs.

-- What an organization told us when it signed up, beside its row in `organizations`
-- (kept apart so the organization's own record and its export stay as they were).
CREATE TABLE org_profiles (
    org_id UUID PRIMARY KEY NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name_en TEXT NOT NULL DEFAULT '',
    business_number TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT ''
);

-- An application from /join: pending until the desk approves (creating the organization
-- and its first user) or rejects it. `confirmed_at` is set when the applicant follows the
-- link mailed to them; the desk's list shows unconfirmed ones as such.
CREATE TABLE org_applications (
    id UUID PRIMARY KEY NOT NULL,
    state TEXT NOT NULL,
    org_name TEXT NOT NULL,
    org_name_en TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    sector TEXT NOT NULL DEFAULT '',
    business_number TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    applicant_name TEXT NOT NULL,
    applicant_email TEXT NOT NULL,
    applicant_phone TEXT NOT NULL DEFAULT '',
    locale TEXT NOT NULL DEFAULT 'zh-TW',
    domain_verified BOOLEAN NOT NULL DEFAULT FALSE,
    confirmed_at BIGINT,
    decided_at BIGINT,
    decided_by UUID REFERENCES users (id),
    reason TEXT NOT NULL DEFAULT '',
    org_id UUID REFERENCES organizations (id),
    created_at BIGINT NOT NULL
);
-- The desk's list: one state, oldest first.
CREATE INDEX org_applications_state ON org_applications (state, created_at);

-- One-time mail confirmation links of applications, stored hashed like every other link.
CREATE TABLE application_confirmations (
    token_hash BYTEA PRIMARY KEY NOT NULL,
    application_id UUID NOT NULL REFERENCES org_applications (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX application_confirmations_application ON application_confirmations (application_id);

-- An organization's standing in the alliance, with its team profile in the shape of
-- RFC 2350. One row per organization: a new application after rejection or leaving
-- replaces the profile. `listed`: shown on the public member list.
CREATE TABLE alliance_members (
    org_id UUID PRIMARY KEY NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    team_name TEXT NOT NULL,
    constituency TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    emergency TEXT NOT NULL DEFAULT '',
    pgp_key TEXT NOT NULL DEFAULT '',
    pgp_fingerprint TEXT NOT NULL DEFAULT '',
    hours TEXT NOT NULL DEFAULT '',
    services TEXT NOT NULL DEFAULT '',
    listed BOOLEAN NOT NULL DEFAULT TRUE,
    terms_accepted_at BIGINT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    applied_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX alliance_members_state ON alliance_members (state);

-- The sector ISACs and the sharing group each maps to (set by an admin).
CREATE TABLE isacs (
    code TEXT PRIMARY KEY NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sector TEXT NOT NULL,
    shares TEXT NOT NULL DEFAULT '',
    how_to_join TEXT NOT NULL DEFAULT '',
    group_id UUID REFERENCES sharing_groups (id) ON DELETE SET NULL
);

INSERT INTO isacs (code, name_zh, name_en, sector, shares, how_to_join) VALUES
('N-ISAC', '國家資安資訊分享與分析中心', 'National ISAC', '政府機關', '政府機關間的資安威脅情資、攻擊手法與防護建議', '政府機關由主管機關統一加入；其他機關請洽本中心'),
('SP-ISAC', '科學園區資安資訊分享與分析中心', 'Science Park ISAC', '科學園區', '園區廠商的資安情資、半導體與供應鏈威脅', '園區廠商經園區管理局申請加入'),
('H-ISAC', '醫療資安資訊分享與分析中心', 'Healthcare ISAC', '醫療', '醫療院所的資安情資與醫療設備弱點', '醫院與醫療機構經衛生主管機關申請加入'),
('F-ISAC', '金融資安資訊分享與分析中心', 'Financial ISAC', '金融', '金融機構的資安情資、詐騙與釣魚網站', '金融機構經金融主管機關申請加入'),
('C-ISAC', '通訊傳播資安資訊分享與分析中心', 'Communications ISAC', '通訊傳播', '電信與網路服務業者的資安情資', '電信與網路服務業者經通訊主管機關申請加入'),
('A-ISAC', '教育學術資安資訊分享與分析中心', 'Academic ISAC', '教育學術', '學校與學術網路的資安情資', '學校與學術單位經教育主管機關申請加入'),
('E-ISAC', '能源資安資訊分享與分析中心', 'Energy ISAC', '能源', '能源與關鍵基礎設施的資安情資與工控弱點', '能源業者經能源主管機關申請加入'),
('T-ISAC', '交通資安資訊分享與分析中心', 'Transport ISAC', '交通', '交通運輸業者的資安情資與系統弱點', '交通運輸業者經交通主管機關申請加入');
