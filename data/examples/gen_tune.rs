use rota_data::generate::*;
fn main() {
    let setup = rota_data::config::CentreConfig::sample().unwrap();
    let t = std::time::Instant::now();
    let h = generate_history(&setup, std::env::args().nth(1).map(|s| s.parse().unwrap()).unwrap_or(42), sample_first_day(), sample_last_day()).unwrap();
    eprintln!("generated in {:?}", t.elapsed());
    print!("{}", SampleFigures::of(&h));
    h.write_csv("/tmp/gen/history.csv.gz").unwrap();
}
