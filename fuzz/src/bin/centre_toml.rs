//! AFL++ persistent-mode harness for [`rota_fuzz::targets::centre_toml`].
fn main() {
    afl::fuzz!(|data: &[u8]| {
        rota_fuzz::targets::centre_toml(data);
    });
}
