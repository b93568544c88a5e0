//! AFL++ persistent-mode harness for [`rota_fuzz::targets::forecast_csv`].
fn main() {
    afl::fuzz!(|data: &[u8]| {
        rota_fuzz::targets::forecast_csv(data);
    });
}
