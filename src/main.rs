use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(langsmith_preflight::cli::main())
}
