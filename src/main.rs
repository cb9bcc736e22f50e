//! The `ossec-ar` binary: parse arguments, run, exit with the documented code.

fn main() {
    std::process::exit(ossec_ar::cli::main());
}
