//! What every bench measurement shares: the events, the emulator behind the driver, its TLS front, and
//! the functions (Rust with and without the init warm-up, the candidate, Node.js; each over HTTP and HTTPS).

use crate::cli::BenchArgs;
use crate::driver::{Driver, Events};
use crate::events::{self, EventTemplate};
use crate::function::{self, Function};
use crate::progress::progress;
use crate::variant::{Functions, Runtime};
use std::path::Path;

/// Built once per run, kept until the report is written.
pub struct Setup {
    pub driver: Driver,
    pub functions: Functions,
    /// The calibration function (`--floor`).
    pub floor: Option<Function>,
    /// Kept alive for the HTTPS variants.
    _tls_front: connect_emulator::tls_front::TlsFront,
}

impl Setup {
    pub async fn prepare(args: &BenchArgs) -> Result<Self, String> {
        if !args.rust.is_file() {
            return Err(format!(
                "{} does not exist: build it first (make bench does)",
                args.rust.display()
            ));
        }
        let typical_value = events::load_typical(&args.events)?;
        let typical =
            EventTemplate::fixed(serde_json::to_vec(&typical_value).map_err(|e| e.to_string())?);
        let maximal = events::maximal_event(&typical_value)?;
        let availability = events::load_availability(&args.events)?;
        progress(&format!(
            "events: typical {} bytes, maximal {} bytes, availability GET {} bytes",
            typical.len(),
            maximal.len(),
            availability.len()
        ));

        let emulator = function::start_emulator().await?;
        let endpoint = emulator.endpoint_url();
        // The same functions against an HTTPS endpoint: there the init warm-up saves the first request
        // a TLS handshake, as it does in Lambda.
        let front = connect_emulator::tls_front::start(emulator.local_addr(), &args.out).await?;
        let mut driver = Driver::new(
            emulator,
            Events {
                typical,
                maximal,
                availability,
            },
        );
        driver.maximal_too = !args.typical_only;

        let mut functions = Functions::default();
        let rust = Function::new("rust", args.rust.clone(), &endpoint)
            .deployed()
            .with_cached_availability();
        functions.http.rust_unwarmed = Some(rust.clone().with_env(
            "rust (WARM_CONNECTION=false)",
            "WARM_CONNECTION",
            "false",
        ));
        functions.http.rust = Some(rust);
        functions.http.candidate = args.compare.as_ref().map(|program| {
            Function::new("candidate", program.clone(), &endpoint)
                .deployed()
                .with_cached_availability()
        });
        functions.http.node = match &args.node_dir {
            Some(dir) => Some(node_function(dir, &endpoint)?),
            None => None,
        };
        for runtime in [
            Runtime::Rust,
            Runtime::RustUnwarmed,
            Runtime::Candidate,
            Runtime::Node,
        ] {
            let over_tls = functions
                .http
                .get(runtime)
                .as_ref()
                .map(|function| function.over_tls(&front.url, &front.ca_file));
            *functions.https.get_mut(runtime) = over_tls;
        }
        let floor = args
            .floor
            .as_ref()
            .map(|program| Function::new("floor", program.clone(), &endpoint));
        Ok(Self {
            driver,
            functions,
            floor,
            _tls_front: front,
        })
    }

    /// Every function answers both requests with 200 before anything is measured.
    pub async fn check_functions(&mut self) -> Result<(), String> {
        progress("checking that every function answers both requests with 200");
        let all = [
            Runtime::Rust,
            Runtime::RustUnwarmed,
            Runtime::Candidate,
            Runtime::Node,
        ];
        for variant in self.functions.variants(&all) {
            let function = self.functions.function(variant)?;
            self.driver.check(function).await?;
        }
        Ok(())
    }
}

fn node_function(dir: &Path, endpoint: &str) -> Result<Function, String> {
    if !dir.join("node_modules/@aws-sdk/client-connect").is_dir() {
        return Err(format!(
            "{}: run `npm ci` there first (make bench does)",
            dir.display()
        ));
    }
    Ok(Function::new("node", dir.join("bootstrap"), endpoint))
}
