//! The `ossec-ar` binary: parse arguments, run, exit with the documented code.

/// mimalloc rather than the C library's allocator: the analysis engine allocates an
/// event in its decoding thread and frees it in the matching thread, a pattern the
/// system allocator serves slowly (docs/limits.md "Speed").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(ossec_ar::cli::main());
}
