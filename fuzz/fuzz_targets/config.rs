//! Any bytes as preflight.toml or as `terraform output -json`: read or
//! refused with a positioned error — never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = langsmith_preflight::config::parse(&text, "preflight.toml") {
        assert!(e.to_string().starts_with("preflight.toml"));
    }
    let _ = langsmith_preflight::tfoutputs::parse(&text, "outputs.json");
});
