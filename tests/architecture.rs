//! The import graph of `src/` runs one way: each top-level module may use
//! only modules of a lower layer. This keeps the pipeline collect → resolve →
//! evaluate → render free of circles as the code grows.

use std::collections::BTreeMap;
use std::path::Path;

/// Lower layers first. A module may import only from layers below its own.
const LAYERS: &[&[&str]] = &[
    &["model", "names", "settings", "tfoutputs"],
    &["alloc", "net", "snapshot", "spec"],
    &["report"],
    &["resolve"],
    &["check", "collect"],
    &["checks"],
    &["registry"],
    &["facts", "topology", "diff"],
    &["evaluate"],
    &["render", "config"],
    &["options"],
    &["cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// `crate::NAME` references outside comments, per top-level module of `src/`.
fn imports() -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut stack = vec![Path::new("src").to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p
                .strip_prefix("src")
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let top = rel
                .split('/')
                .next()
                .unwrap()
                .trim_end_matches(".rs")
                .to_string();
            if top == "main" || top == "lib" {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for (i, _) in line.match_indices("crate::") {
                    let name: String = line[i + 7..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    // `crate::now_rfc3339` and the like are lib.rs items, not modules.
                    if name != top && layer_of(&name).is_some() {
                        out.entry(top.clone())
                            .or_default()
                            .insert(name, format!("{rel}: {}", line.trim()));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn every_module_has_a_layer() {
    for e in std::fs::read_dir("src").unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        let module = name.trim_end_matches(".rs");
        if module == "main" || module == "lib" {
            continue;
        }
        assert!(
            layer_of(module).is_some(),
            "src/{name} is in no layer of tests/architecture.rs: place it"
        );
    }
}

#[test]
fn imports_run_one_way() {
    let mut checked = 0;
    for (module, deps) in imports() {
        let own = layer_of(&module).unwrap();
        for (dep, at) in deps {
            checked += 1;
            let theirs = layer_of(&dep).unwrap();
            assert!(
                theirs < own,
                "{module} (layer {own}) imports {dep} (layer {theirs}), against the one-way order: {at}"
            );
        }
    }
    assert!(
        checked > 30,
        "only {checked} imports found: is the scan still looking in the right place?"
    );
}
