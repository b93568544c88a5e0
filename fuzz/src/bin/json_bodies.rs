//! AFL++ persistent-mode harness for [`rota_fuzz::targets::json_bodies`].
fn main() {
    afl::fuzz!(|data: &[u8]| {
        rota_fuzz::targets::json_bodies(data);
    });
}
