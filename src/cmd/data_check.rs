//! TEMPORARY scaffold, replaced by the owner of this subcommand.

/// Arguments (to be defined).
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("not implemented yet")
}
