//! AFL++ persistent-mode harness for [`rota_fuzz::targets::scenario_toml`].
fn main() {
    afl::fuzz!(|data: &[u8]| {
        rota_fuzz::targets::scenario_toml(data);
    });
}
