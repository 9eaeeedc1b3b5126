//! Rows of the sign-off tables: boards, members, rules, requests, signatures and actions.
//! Requests and rules are kept as canonical JSON documents, read and written whole.

use super::{Store, Tx};
use crate::sql::{args, Arg, Conn};
use steward_domain::signoff::{Gate, Member, Role, RuleSpec, Statement};
use steward_domain::{Error, Result};
use steward_sign::request_file::RequestDoc;

/// A board as stored.
#[derive(Debug, Clone)]
pub struct BoardRow {
    pub id: i64,
    pub name: String,
    pub members: Vec<Member>,
}

#[derive(Debug, Clone)]
pub struct RuleRow {
    pub gate: String,
    pub risk_tier: String,
    pub board: String,
    pub spec: RuleSpec,
}

#[derive(Debug, Clone)]
pub struct RequestRow {
    pub id: i64,
    pub doc: RequestDoc,
}

#[derive(Debug, Clone)]
pub struct SignatureRow {
    pub fingerprint: String,
    pub statement: Statement,
    pub cms: Vec<u8>,
    pub imported_at: String,
    pub imported_by: String,
}

#[derive(Debug, Clone)]
pub struct ActionRow {
    pub id: i64,
    pub request_id: i64,
    pub system_id: i64,
    pub text: String,
    pub owner: String,
    pub due: String,
    pub created_at: String,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Integrity(format!("{what} in the workspace cannot be read back: {e}"))
}

fn board_by_name(c: &Conn, name: &str) -> Result<Option<BoardRow>> {
    let row: Option<(i64, String)> = c.query_opt(
        "SELECT id, name FROM signoff_boards WHERE name = ?1",
        &args![name],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let Some((id, name)) = row else {
        return Ok(None);
    };
    Ok(Some(BoardRow {
        id,
        name,
        members: members(c, id)?,
    }))
}

fn members(c: &Conn, board_id: i64) -> Result<Vec<Member>> {
    let rows: Vec<(String, String, String)> = c.query(
        "SELECT name, role, fingerprint FROM signoff_members WHERE board_id = ?1
         ORDER BY role, name COLLATE NOCASE",
        &args![board_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    rows.into_iter()
        .map(|(name, role, fingerprint)| {
            Ok(Member {
                role: Role::parse(&role).ok_or_else(|| corrupt("a board member's role", &role))?,
                name,
                fingerprint,
            })
        })
        .collect()
}

fn rule(c: &Conn, gate: &str, tier: &str) -> Result<Option<RuleRow>> {
    // Cached: the gates ask for a rule for each row an import adds or moves past a gate.
    let row: Option<(String, String)> = c.query_opt(
        "SELECT b.name, r.spec FROM signoff_rules r JOIN signoff_boards b ON b.id = r.board_id
         WHERE r.gate = ?1 AND r.risk_tier = ?2",
        &args![gate, tier],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    row.map(|(board, spec)| {
        Ok(RuleRow {
            gate: gate.into(),
            risk_tier: tier.into(),
            board,
            spec: serde_json::from_str(&spec).map_err(|e| corrupt("a sign-off rule", e))?,
        })
    })
    .transpose()
}

/// The requests a condition selects: a literal `WHERE` fragment of this module with one
/// placeholder, `?1`, bound to `key`.
fn request_where(c: &Conn, sql_where: &str, key: Arg<'_>) -> Result<Vec<RequestRow>> {
    let rows: Vec<(i64, String)> = c.query(
        &format!("SELECT id, doc FROM signoff_requests WHERE {sql_where} ORDER BY id"),
        &[key],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    rows.into_iter()
        .map(|(id, doc)| {
            Ok(RequestRow {
                id,
                doc: serde_json::from_str(&doc)
                    .map_err(|e| corrupt(&format!("sign-off request {id}"), e))?,
            })
        })
        .collect()
}

fn signatures(c: &Conn, request_id: i64) -> Result<Vec<SignatureRow>> {
    let rows: Vec<(i64, String, String, Vec<u8>, String, String)> = c.query(
        "SELECT id, fingerprint, statement, cms, imported_at, imported_by FROM signoff_signatures
         WHERE request_id = ?1 ORDER BY id",
        &args![request_id],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        },
    )?;
    rows.into_iter()
        .map(|(id, fingerprint, st, cms, imported_at, imported_by)| {
            Ok(SignatureRow {
                fingerprint,
                statement: serde_json::from_str(&st)
                    .map_err(|e| corrupt(&format!("sign-off signature {id}"), e))?,
                cms,
                imported_at,
                imported_by,
            })
        })
        .collect()
}

impl Tx<'_> {
    pub fn board_by_name(&self, name: &str) -> Result<Option<BoardRow>> {
        board_by_name(self.tx, name)
    }

    pub fn insert_board(&mut self, name: &str, now: &str) -> Result<i64> {
        self.tx
            .query_one(
                "INSERT INTO signoff_boards (id, name, created_at) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM signoff_boards), ?1, ?2) RETURNING id",
                &args![name, now],
                |r| r.get(0),
            )
            .map_err(|e| match e {
                Error::Conflict(_) => Error::Conflict(format!(
                    "a review board named {name:?} already exists (names are unique, ignoring \
                     case); nothing was changed"
                )),
                e => e,
            })
    }

    /// False (nothing written) when the member already holds that role on the board.
    pub fn insert_member(&mut self, board_id: i64, m: &Member) -> Result<bool> {
        let n = self.tx.execute(
            "INSERT INTO signoff_members (board_id, name, role, fingerprint) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING",
            &args![board_id, m.name, m.role.key(), m.fingerprint],
        )?;
        Ok(n == 1)
    }

    pub fn upsert_rule(
        &mut self,
        gate: &str,
        tier: &str,
        board_id: i64,
        spec: &str,
        now: &str,
    ) -> Result<()> {
        self.rules.borrow_mut().clear();
        self.tx.execute(
            "INSERT INTO signoff_rules (gate, risk_tier, board_id, spec, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (gate, risk_tier) DO UPDATE SET board_id = excluded.board_id,
                 spec = excluded.spec, updated_at = excluded.updated_at",
            &args![gate, tier, board_id, spec, now],
        )?;
        Ok(())
    }

    /// A request for a system (`doc.system_id`) or for the outcome of review `review_id`.
    pub fn insert_request(
        &mut self,
        doc: &RequestDoc,
        review_id: Option<i64>,
        json: &str,
        now: &str,
    ) -> Result<i64> {
        self.tx.query_one(
            "INSERT INTO signoff_requests (id, uid, system_id, review_id, gate, doc, created_at)
             VALUES ((SELECT coalesce(max(id), 0) + 1 FROM signoff_requests), ?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
            &args![doc.uid, doc.system_id, review_id, doc.gate.key(), json, now],
            |r| r.get(0),
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub fn insert_signature(
        &mut self,
        request_id: i64,
        fingerprint: &str,
        statement: &Statement,
        json: &str,
        cms: &[u8],
        cms_sha256: &str,
        now: &str,
        actor: &str,
    ) -> Result<i64> {
        self.tx.query_one(
            "INSERT INTO signoff_signatures (id, request_id, fingerprint, role, statement, cms, cms_sha256,
                                             imported_at, imported_by)
             VALUES ((SELECT coalesce(max(id), 0) + 1 FROM signoff_signatures), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
            &args![request_id, fingerprint, statement.role.key(), json, cms, cms_sha256, now, actor],
            |r| r.get(0),
        )
    }

    pub fn insert_action(&mut self, a: &ActionRow, signature_id: i64) -> Result<i64> {
        self.tx.query_one(
            "INSERT INTO signoff_actions (id, request_id, signature_id, system_id, text, owner, due, created_at)
             VALUES ((SELECT coalesce(max(id), 0) + 1 FROM signoff_actions), ?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
            &args![a.request_id, signature_id, a.system_id, a.text, a.owner, a.due, a.created_at],
            |r| r.get(0),
        )
    }

    pub fn signoff_rule(&self, gate: Gate, tier: &str) -> Result<Option<RuleRow>> {
        let key = (gate.key().to_string(), tier.to_string());
        if let Some(known) = self.rules.borrow().get(&key) {
            return Ok(known.clone());
        }
        let found = rule(self.tx, gate.key(), tier)?;
        self.rules.borrow_mut().insert(key, found.clone());
        Ok(found)
    }

    pub fn signoff_requests_for(&self, system_id: i64, gate: Gate) -> Result<Vec<RequestRow>> {
        Ok(
            request_where(self.tx, "system_id = ?1", Arg::Int(system_id))?
                .into_iter()
                .filter(|r| r.doc.gate == gate)
                .collect(),
        )
    }

    pub fn signoff_signatures(&self, request_id: i64) -> Result<Vec<SignatureRow>> {
        signatures(self.tx, request_id)
    }

    /// The sign-off requests for a review's outcome, oldest first.
    pub fn review_signoff_requests(&self, review_id: i64) -> Result<Vec<RequestRow>> {
        request_where(self.tx, "review_id = ?1", Arg::Int(review_id))
    }

    /// When and by whom a signature with this CMS hash was imported, if it was.
    pub fn signature_by_cms_hash(&self, h: &str) -> Result<Option<(i64, String, String)>> {
        self.tx.query_opt(
            "SELECT request_id, imported_at, imported_by FROM signoff_signatures WHERE cms_sha256 = ?1",
            &args![h],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }
}

impl Store {
    pub fn board_by_name(&self, name: &str) -> Result<Option<BoardRow>> {
        board_by_name(&self.conn, name)
    }

    pub fn boards(&self) -> Result<Vec<BoardRow>> {
        let names: Vec<String> = self.conn.query(
            "SELECT name FROM signoff_boards ORDER BY name COLLATE NOCASE",
            &[],
            |r| r.get(0),
        )?;
        let mut out = Vec::new();
        for n in names {
            out.extend(board_by_name(&self.conn, &n)?);
        }
        Ok(out)
    }

    pub fn signoff_rules(&self) -> Result<Vec<RuleRow>> {
        let keys: Vec<(String, String)> = self.conn.query(
            "SELECT gate, risk_tier FROM signoff_rules ORDER BY gate, risk_tier",
            &[],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut out = Vec::new();
        for (g, t) in keys {
            out.extend(rule(&self.conn, &g, &t)?);
        }
        Ok(out)
    }

    pub fn signoff_rule(&self, gate: Gate, tier: &str) -> Result<Option<RuleRow>> {
        rule(&self.conn, gate.key(), tier)
    }

    pub fn signoff_request(&self, id: i64) -> Result<Option<RequestRow>> {
        Ok(request_where(&self.conn, "id = ?1", Arg::Int(id))?
            .into_iter()
            .next())
    }

    pub fn signoff_request_by_uid(&self, uid: &str) -> Result<Option<RequestRow>> {
        Ok(request_where(&self.conn, "uid = ?1", Arg::Text(uid))?
            .into_iter()
            .next())
    }

    pub fn signoff_requests(&self) -> Result<Vec<RequestRow>> {
        request_where(&self.conn, "1 = ?1", Arg::Int(1))
    }

    /// The sign-off requests for a review's outcome, oldest first.
    pub fn review_signoff_requests(&self, review_id: i64) -> Result<Vec<RequestRow>> {
        request_where(&self.conn, "review_id = ?1", Arg::Int(review_id))
    }

    pub fn signoff_signatures(&self, request_id: i64) -> Result<Vec<SignatureRow>> {
        signatures(&self.conn, request_id)
    }

    pub fn signoff_actions(&self) -> Result<Vec<ActionRow>> {
        self.conn.query(
            "SELECT id, request_id, system_id, text, owner, due, created_at FROM signoff_actions
             ORDER BY due, id",
            &[],
            |r| {
                Ok(ActionRow {
                    id: r.get(0)?,
                    request_id: r.get(1)?,
                    system_id: r.get(2)?,
                    text: r.get(3)?,
                    owner: r.get(4)?,
                    due: r.get(5)?,
                    created_at: r.get(6)?,
                })
            },
        )
    }
}
