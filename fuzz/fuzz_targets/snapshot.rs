//! Any bytes as a snapshot: refused with an error, or parsed, evaluated at
//! both stages and rendered in every format — never a panic.
#![no_main]

use langsmith_preflight::evaluate::report;
use langsmith_preflight::settings::Settings;
use langsmith_preflight::render::{render, Format};
use langsmith_preflight::report::Stage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(inv) = langsmith_preflight::snapshot::parse(&text, "fuzz.json") else {
        return;
    };
    let reqs: Vec<_> = langsmith_preflight::registry::all().iter().collect();
    for stage in [Stage::Preflight, Stage::Installed] {
        let settings = Settings {
            stage,
            ..Default::default()
        };
        let r = report(&inv, &settings, &reqs, "fuzz", Default::default());
        for format in [Format::Table, Format::Json, Format::Junit, Format::Markdown, Format::Html] {
            let _ = render(&r, format, false);
        }
    }
});
