//! Setting a team workspace up for its members, in PostgreSQL's own terms: the members' group
//! role (NOLOGIN, named after the database and schema so two workspaces in one cluster never
//! share it), what it is granted (read everything; write the record tables; only read and
//! append the audit log and its seals; no DDL, no ownership), and the members' login roles in
//! it. Only the workspace's owner does this, and every statement runs inside the caller's
//! write transaction, so a refusal changes nothing. Passwords reach the server as SCRAM
//! verifiers, never in the clear, and are written nowhere else.

use sha2::{Digest, Sha256};

use crate::cipher::Passphrase;
use crate::sql::{args, Conn};
use crate::transfer::quote;
use crate::{Store, Tx};
use steward_domain::{Error, FieldError, Result};

/// What `team init` found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamInit {
    pub database: String,
    pub schema: String,
    /// The members' group role.
    pub members_role: String,
    /// The role that owns the workspace's tables.
    pub owner: String,
    /// What was changed, one line each; empty when everything was already in place.
    pub changes: Vec<String>,
}

/// A member of a team workspace: a role in its members' group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    /// Whether the role may log in.
    pub login: bool,
}

/// The privileges a table can be granted, in the order they are named.
const PRIVILEGES: &[&str] = &[
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "TRUNCATE",
    "REFERENCES",
    "TRIGGER",
];

/// What the members' role may do on a table of the workspace: read and append the log and its
/// seals, read the schema's version, read and write every record table.
fn wanted(table: &str) -> &'static [&'static str] {
    match table {
        "audit_log" | "audit_seals" => &["SELECT", "INSERT"],
        "steward_schema" => &["SELECT"],
        _ => &["SELECT", "INSERT", "UPDATE", "DELETE"],
    }
}

/// The members' group role of the workspace in schema `schema` of database `database`:
/// `steward_DB_SCHEMA_members` when both names are lower-case letters and digits and it fits
/// PostgreSQL's 63 bytes; otherwise both names with every other character as `_`, cut to fit,
/// then the first 8 hex digits of the SHA-256 of `DB/SCHEMA`, so it is never another
/// workspace's.
pub fn members_role(database: &str, schema: &str) -> String {
    let plain = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    let name = format!("steward_{database}_{schema}_members");
    if plain(database) && plain(schema) && name.len() <= 63 {
        return name;
    }
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect()
    };
    let mut prefix = format!("{}_{}", clean(database), clean(schema));
    prefix.truncate(63 - "steward_".len() - "_12345678_members".len());
    let hash = hex::encode(Sha256::digest(format!("{database}/{schema}").as_bytes()));
    format!("steward_{prefix}_{}_members", &hash[..8])
}

/// Who and where this session is.
struct Facts {
    database: String,
    schema: String,
    /// The session's user (who logged in).
    me: String,
    /// The owner of the workspace's tables.
    owner: String,
    /// Whether the session may act as the owner.
    is_owner: bool,
    /// Whether the session may create roles (CREATEROLE, or a superuser).
    creates_roles: bool,
}

fn facts(conn: &Conn) -> Result<Facts> {
    conn.query_one(
        "SELECT current_database()::text, current_schema()::text, session_user::text,
                pg_get_userbyid(c.relowner)::text,
                pg_has_role(current_user, c.relowner, 'USAGE'),
                (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user)
         FROM pg_class c WHERE c.oid = to_regclass('audit_log')",
        &[],
        |r| {
            Ok(Facts {
                database: r.get(0)?,
                schema: r.get(1)?,
                me: r.get(2)?,
                owner: r.get(3)?,
                is_owner: r.get(4)?,
                creates_roles: r.get(5)?,
            })
        },
    )
}

fn role_exists(conn: &Conn, role: &str) -> Result<bool> {
    conn.query_one(
        "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = CAST(?1 AS TEXT))",
        &args![role],
        |r| r.get::<bool>(0),
    )
}

/// Whether `member` is directly in the role `group` (a superuser's implied membership aside).
fn is_member(conn: &Conn, member: &str, group: &str) -> Result<bool> {
    conn.query_one(
        "SELECT EXISTS (SELECT 1 FROM pg_auth_members m
                          JOIN pg_roles g ON g.oid = m.roleid
                          JOIN pg_roles r ON r.oid = m.member
                        WHERE g.rolname = CAST(?1 AS TEXT) AND r.rolname = CAST(?2 AS TEXT))",
        &args![group, member],
        |r| r.get::<bool>(0),
    )
}

/// Refuses a session that is not the workspace's owner, or that cannot create roles.
fn owner_only(f: &Facts, what: &str) -> Result<()> {
    if !f.is_owner {
        return Err(Error::Workspace(format!(
            "{what} is for the workspace's owner: its tables belong to the role {}, and you are \
             logged in as {}; nothing was changed",
            f.owner, f.me
        )));
    }
    if !f.creates_roles {
        return Err(Error::Workspace(format!(
            "{what} needs the CREATEROLE privilege, which {} lacks (a superuser gives it with \
             ALTER ROLE {} CREATEROLE); nothing was changed",
            f.me,
            quote(&f.me)
        )));
    }
    Ok(())
}

fn check_member_name(name: &str) -> Result<()> {
    let problem = if name.is_empty() {
        Some("a member's role needs a name".to_string())
    } else if name.len() > 63 {
        Some(format!(
            "{name:?} is {} bytes long; PostgreSQL role names are 63 bytes at most",
            name.len()
        ))
    } else if name.contains('\0') {
        Some("a role name cannot hold a NUL character".to_string())
    } else if name.starts_with("pg_") {
        Some(format!(
            "{name:?} starts with pg_, which PostgreSQL keeps for its own roles"
        ))
    } else {
        None
    };
    match problem {
        Some(p) => Err(Error::Validation {
            entity: "member",
            fields: vec![FieldError::new("name", p)],
        }),
        None => Ok(()),
    }
}

impl Tx<'_> {
    /// The workspace's members' group role (whether or not it exists yet).
    pub fn team_members_role(&self) -> Result<String> {
        let f = facts(self.tx)?;
        Ok(members_role(&f.database, &f.schema))
    }

    /// Sets the workspace up for its members: the group role, its grants, no `CREATE` on the
    /// schema for everyone, and the same grants on tables the owner creates later. Only the
    /// owner may, and creating the group needs CREATEROLE. Returns what was changed (nothing
    /// when it was all in place).
    pub fn team_init(&mut self) -> Result<TeamInit> {
        let conn = self.tx;
        let f = facts(conn)?;
        if !f.is_owner {
            owner_only(&f, "setting the workspace up for a team")?;
        }
        let group = members_role(&f.database, &f.schema);
        let (g, s) = (quote(&group), quote(&f.schema));
        let mut changes = Vec::new();
        if !role_exists(conn, &group)? {
            owner_only(&f, "creating the members' role")?;
            conn.batch(&format!("CREATE ROLE {g} NOLOGIN"))?;
            changes.push(format!("created the members' role {group} (NOLOGIN)"));
        }
        let has = |sql: &str, a: &str, b: &str| -> Result<bool> {
            conn.query_one(sql, &args![group, a, b], |r| r.get::<bool>(0))
        };
        let db_sql =
            "SELECT has_database_privilege(CAST(?1 AS name), CAST(?2 AS text), CAST(?3 AS text))";
        if !has(db_sql, &f.database, "CONNECT")? {
            conn.batch(&format!(
                "GRANT CONNECT ON DATABASE {} TO {g}",
                quote(&f.database)
            ))?;
            changes.push(format!("granted CONNECT on the database {}", f.database));
        }
        let schema_sql =
            "SELECT has_schema_privilege(CAST(?1 AS name), CAST(?2 AS text), CAST(?3 AS text))";
        if !has(schema_sql, &f.schema, "USAGE")? {
            conn.batch(&format!("GRANT USAGE ON SCHEMA {s} TO {g}"))?;
            changes.push(format!("granted USAGE on the schema {}", f.schema));
        }
        let tables = conn.query(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname",
            &[],
            |r| r.get::<String>(0),
        )?;
        let table_sql =
            "SELECT has_table_privilege(CAST(?1 AS name), CAST(?2 AS text), CAST(?3 AS text))";
        for t in &tables {
            let qualified = format!("{s}.{}", quote(t));
            let want = wanted(t);
            let (mut grant, mut revoke) = (Vec::new(), Vec::new());
            for p in PRIVILEGES {
                let held = has(table_sql, &qualified, p)?;
                let should = want.contains(p);
                if should && !held {
                    grant.push(*p);
                } else if !should && held {
                    revoke.push(*p);
                }
            }
            if !grant.is_empty() {
                conn.batch(&format!("GRANT {} ON {qualified} TO {g}", grant.join(", ")))?;
                changes.push(format!("granted {} on {t}", grant.join(", ")));
            }
            if !revoke.is_empty() {
                conn.batch(&format!(
                    "REVOKE {} ON {qualified} FROM {g}",
                    revoke.join(", ")
                ))?;
                changes.push(format!("revoked {} on {t}", revoke.join(", ")));
            }
        }
        let sequences = conn.query(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema() AND c.relkind = 'S' ORDER BY c.relname",
            &[],
            |r| r.get::<String>(0),
        )?;
        let seq_sql =
            "SELECT has_sequence_privilege(CAST(?1 AS name), CAST(?2 AS text), CAST(?3 AS text))";
        for q in &sequences {
            let qualified = format!("{s}.{}", quote(q));
            if !has(seq_sql, &qualified, "USAGE")? {
                conn.batch(&format!(
                    "GRANT USAGE, SELECT ON SEQUENCE {qualified} TO {g}"
                ))?;
                changes.push(format!("granted USAGE, SELECT on the sequence {q}"));
            }
        }
        let defaults = || -> Result<Option<String>> {
            conn.query_opt(
                "SELECT d.defaclacl::text FROM pg_default_acl d
                 WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = CAST(?1 AS TEXT))
                   AND d.defaclnamespace = (SELECT oid FROM pg_namespace
                                            WHERE nspname = current_schema())
                   AND d.defaclobjtype = 'r'",
                &args![f.owner],
                |r| r.get::<String>(0),
            )
        };
        let before = defaults()?;
        conn.batch(&format!(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {s} \
             GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {g}",
            quote(&f.owner)
        ))?;
        if defaults()? != before {
            changes.push(format!(
                "tables {} creates in the schema later are granted SELECT, INSERT, UPDATE, DELETE",
                f.owner
            ));
        }
        let public_creates = || -> Result<bool> {
            conn.query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_namespace n, aclexplode(n.nspacl) a
                                WHERE n.nspname = current_schema() AND a.grantee = 0
                                  AND a.privilege_type = 'CREATE')",
                &[],
                |r| r.get::<bool>(0),
            )
        };
        if public_creates()? {
            conn.batch(&format!("REVOKE CREATE ON SCHEMA {s} FROM PUBLIC"))?;
            if public_creates()? {
                return Err(Error::Workspace(format!(
                    "every role may create tables in the schema {}, and {} cannot revoke that \
                     (its owner can: REVOKE CREATE ON SCHEMA {s} FROM PUBLIC); nothing was changed",
                    f.schema, f.me
                )));
            }
            changes.push(format!(
                "revoked CREATE on the schema {} from PUBLIC (members create no tables)",
                f.schema
            ));
        }
        Ok(TeamInit {
            database: f.database,
            schema: f.schema,
            members_role: group,
            owner: f.owner,
            changes,
        })
    }

    /// Makes `name` a member: creates its login role in the members' group (with `password`
    /// as a SCRAM verifier, or none for a role that authenticates otherwise), or grants an
    /// existing role membership. Returns None when it was a member already, else whether the
    /// role was created.
    pub fn team_add_member(
        &mut self,
        name: &str,
        password: Option<&Passphrase>,
    ) -> Result<Option<bool>> {
        check_member_name(name)?;
        let conn = self.tx;
        let f = facts(conn)?;
        owner_only(&f, "adding a member")?;
        let group = members_role(&f.database, &f.schema);
        if !role_exists(conn, &group)? {
            return Err(Error::Workspace(format!(
                "the workspace is not set up for a team yet: it has no members' role {group}; \
                 nothing was changed"
            )));
        }
        let (g, n) = (quote(&group), quote(name));
        if role_exists(conn, name)? {
            if is_member(conn, name, &group)? {
                return Ok(None);
            }
            conn.batch(&format!("GRANT {g} TO {n}"))?;
            return Ok(Some(false));
        }
        let password = match password {
            Some(p) => {
                let verifier = postgres_protocol::password::scram_sha_256(p.as_str().as_bytes());
                format!(" PASSWORD '{}'", verifier.replace('\'', "''"))
            }
            None => String::new(),
        };
        conn.batch(&format!("CREATE ROLE {n} LOGIN{password} IN ROLE {g}"))?;
        Ok(Some(true))
    }

    /// Takes `name` out of the members' group (its role stays: the log names it). Returns
    /// whether it was a member.
    pub fn team_remove_member(&mut self, name: &str) -> Result<bool> {
        let conn = self.tx;
        let f = facts(conn)?;
        owner_only(&f, "removing a member")?;
        let group = members_role(&f.database, &f.schema);
        if !is_member(conn, name, &group)? {
            return Ok(false);
        }
        conn.batch(&format!("REVOKE {} FROM {}", quote(&group), quote(name)))?;
        Ok(true)
    }
}

impl Store {
    /// The members' group role, the owner, and the members, by name.
    pub fn team_members(&self) -> Result<(String, String, Vec<Member>)> {
        let conn = &self.conn;
        let f = facts(conn)?;
        let group = members_role(&f.database, &f.schema);
        let members = conn.query(
            "SELECT r.rolname::text, r.rolcanlogin FROM pg_auth_members m
               JOIN pg_roles g ON g.oid = m.roleid
               JOIN pg_roles r ON r.oid = m.member
             WHERE g.rolname = CAST(?1 AS TEXT) ORDER BY r.rolname",
            &args![group],
            |r| {
                Ok(Member {
                    name: r.get(0)?,
                    login: r.get(1)?,
                })
            },
        )?;
        Ok((group, f.owner, members))
    }

    /// Whether a role of this name exists in the server.
    pub fn team_role_exists(&self, name: &str) -> Result<bool> {
        role_exists(&self.conn, name)
    }

    /// Whether this session may act as the owner of the workspace's tables (who alone may
    /// move entries naming other people into its log).
    pub fn team_is_owner(&self) -> Result<(bool, String)> {
        let f = facts(&self.conn)?;
        Ok((f.is_owner, f.owner))
    }
}

#[cfg(test)]
mod tests {
    use super::members_role;

    #[test]
    fn the_members_role_is_named_after_the_database_and_schema_and_never_shared() {
        assert_eq!(
            members_role("governance", "public"),
            "steward_governance_public_members"
        );
        let a = members_role("a_b", "c");
        let b = members_role("a", "b_c");
        assert_ne!(a, b, "names with underscores are told apart by their hash");
        assert!(
            a.starts_with("steward_a_b_c_") && a.ends_with("_members"),
            "{a}"
        );
        let long = members_role(&"x".repeat(80), "public");
        assert!(long.len() <= 63, "PostgreSQL's limit: {long}");
        assert_ne!(long, members_role(&"x".repeat(81), "public"));
        assert_eq!(
            members_role("Gov-2026", "public").len(),
            "steward_gov_2026_public_".len() + 8 + "_members".len()
        );
    }
}
