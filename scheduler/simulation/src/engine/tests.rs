use super::model::compile_changes;
use super::shrinkage::split_shrinkage;
use super::{NONE, OFF};
use rota_data::config::CentreConfig;

#[test]
fn shrinkage_splits_into_absence_and_off_phone_with_the_exact_expectation() {
    let c = CentreConfig::from_toml_str(rota_data::config::SAMPLE_CENTRE_TOML, "centre.toml")
        .expect("sample configuration");
    // Voice: the centre's 18%, sickness 6%, less the training (4%) and team meetings (2%) the
    // sample plans as activities: 12%.
    let (p, off) = split_shrinkage(c.channel("voice").expect("voice").shrinkage());
    assert!((p - 0.06).abs() < 1e-12);
    assert!((off - 0.06 / 0.94).abs() < 1e-12);
    // Available = present × on-phone share = 1 − total.
    assert!(((1.0 - p) * (1.0 - off) - (1.0 - 0.12)).abs() < 1e-12);
    // Reception has its own 21%, of which training, team meetings and facilities (15%) are
    // planned: sickness 6% is left, all of it absence.
    let (p, off) = split_shrinkage(c.channel("reception").expect("reception").shrinkage());
    assert!((p - 0.06).abs() < 1e-12);
    assert!(off.abs() < 1e-12);
    assert!(((1.0 - p) * (1.0 - off) - (1.0 - 0.06)).abs() < 1e-12);
    // A bare total is all off-phone time.
    let (p, off) = split_shrinkage(&rota_data::config::Shrinkage::from_total(0.25).expect("valid"));
    assert_eq!(p, 0.0);
    assert!((off - 0.25).abs() < 1e-12);
}

#[test]
fn off_phone_periods_compile_to_their_own_code() {
    let periods = [(0.0, 900.0, 0u8), (900.0, 1800.0, OFF), (1800.0, 2700.0, 0)];
    assert_eq!(
        compile_changes(&periods),
        vec![(0.0, 0), (900.0, OFF), (1800.0, 0), (2700.0, NONE)]
    );
}
