//! `qlssl-at`: the virtual AT module (docs/AT.md).
fn main() {
    std::process::exit(qlssl::at::server::main_with_args(std::env::args().skip(1).collect()));
}
