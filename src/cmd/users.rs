//! `rota users`: API keys for the service, written straight into its database (created with the
//! service's migrations when missing), so the first admin can be made before `rota serve` runs.
//! The rules (names, roles, centres, agents) and the key hashing live in `rota_api::users`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use rota_api::access::Role;
use rota_api::db::{Db, Location, NewAudit};
use rota_api::users::{create_user, CreateUser};

/// Users and their API keys for `rota serve`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create a user and print their new API key, alone, on stdout (it is shown once: only its
    /// hash is stored).
    Add(AddArgs),
    /// List users: id, name, roles per centre, agent, created, revoked.
    List(ListArgs),
    /// Revoke a user's key (it gets 401 from then on; the user stays listed).
    Revoke(RevokeArgs),
}

/// `rota users add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The service's database: a SQLite file (created if missing) or a `postgres://` URL.
    #[arg(long)]
    pub db: PathBuf,
    /// User name (unique among users not revoked).
    #[arg(long)]
    pub name: String,
    /// admin, manager, planner, viewer or agent.
    #[arg(long)]
    pub role: Role,
    /// A centre id the role applies in (repeat for several); none: every centre.
    #[arg(long = "centre")]
    pub centres: Vec<i64>,
    /// For an agent: their agent id in the centre's configuration (e.g. NH012).
    #[arg(long)]
    pub agent: Option<String>,
}

/// `rota users list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The service's database: a SQLite file or a `postgres://` URL.
    #[arg(long)]
    pub db: PathBuf,
}

/// `rota users revoke`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("who").required(true).args(["name", "id"])))]
pub struct RevokeArgs {
    /// The service's database: a SQLite file or a `postgres://` URL.
    #[arg(long)]
    pub db: PathBuf,
    /// The user's name.
    #[arg(long)]
    pub name: Option<String>,
    /// The user's id.
    #[arg(long)]
    pub id: Option<i64>,
}

fn open(path: &Path) -> anyhow::Result<Db> {
    Db::open(path)
        .with_context(|| format!("cannot open the database {}", Location::of(path).label()))
}

/// The CLI's changes go in the service's audit log too, as `cli`.
fn audit(db: &Db, what: String, status: u16, created: Option<String>) -> anyhow::Result<()> {
    db.insert_audit(&NewAudit {
        user_id: None,
        actor: "cli".into(),
        method: "CLI".into(),
        path: what,
        centre_id: None,
        status,
        target: None,
        created,
    })
    .context("cannot record the change in the audit log")
}

pub fn run(command: Command, out: super::output::Output) -> anyhow::Result<()> {
    match command {
        Command::Add(args) => {
            super::output::no_json(&out, "users add", "it prints the key alone")?;
            let db = open(&args.db)?;
            let req = CreateUser {
                name: args.name,
                role: args.role,
                centres: (!args.centres.is_empty()).then_some(args.centres),
                agent_id: args.agent,
            };
            let (user, key) = create_user(&db, &req, "cli")?;
            audit(
                &db,
                format!("rota users add {}", user.name),
                201,
                Some(format!("/v1/users/{}", user.id)),
            )?;
            // The key alone on stdout, so `KEY=$(rota users add ...)` works.
            println!("{key}");
            Ok(())
        }
        Command::List(args) => {
            let db = open(&args.db)?;
            let users = db.users()?;
            if out.json {
                return out.json(&users);
            }
            if !out.text() {
                return Ok(());
            }
            println!("id\tname\troles\tagent\tcreated\trevoked");
            for u in users {
                let roles: Vec<String> = u
                    .roles
                    .iter()
                    .map(|g| match g.centre {
                        Some(c) => format!("{}@{c}", g.role),
                        None => format!("{}@*", g.role),
                    })
                    .collect();
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    u.id,
                    u.name,
                    roles.join(","),
                    u.agent_id.as_deref().unwrap_or("-"),
                    u.created_at,
                    u.revoked_at.as_deref().unwrap_or("-")
                );
            }
            Ok(())
        }
        Command::Revoke(args) => {
            super::output::no_json(&out, "users revoke", "it changes the database")?;
            let db = open(&args.db)?;
            let user = match (&args.name, args.id) {
                (Some(name), _) => db.active_user_named(name)?,
                (None, Some(id)) => db.user(id)?,
                (None, None) => bail!("name the user to revoke with --name or --id"),
            };
            let Some(user) = user else {
                bail!(
                    "no such user{} in {}",
                    args.name
                        .map(|n| format!(" named `{n}` (not revoked)"))
                        .or(args.id.map(|i| format!(" with id {i}")))
                        .unwrap_or_default(),
                    Location::of(&args.db).label()
                );
            };
            db.revoke_user(user.id)?;
            audit(
                &db,
                format!("rota users revoke {} (id {})", user.name, user.id),
                200,
                None,
            )?;
            if out.text() {
                eprintln!("revoked user {} (id {})", user.name, user.id);
            }
            Ok(())
        }
    }
}
