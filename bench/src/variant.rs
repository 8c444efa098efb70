//! The functions a run measures, named by type: which program (and setting), over which transport.
//! Each variant's samples go into a slot of their own, chosen by an exhaustive `match`, so that a new
//! variant cannot compile without a place for its figures.

use crate::function::Function;

/// Which program, and for Rust whether the init warm-up is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Runtime {
    /// The release `bootstrap` with the environment `template.yaml` gives it.
    Rust,
    /// The same with `WARM_CONNECTION=false`: no connection opened during init.
    RustUnwarmed,
    /// `--compare`: another build of the function, measured beside `Rust`.
    Candidate,
    /// The Node.js 20 baseline.
    Node,
}

impl Runtime {
    pub fn key(self) -> &'static str {
        match self {
            Runtime::Rust => "rust",
            Runtime::RustUnwarmed => "rust_unwarmed",
            Runtime::Candidate => "candidate",
            Runtime::Node => "node",
        }
    }
}

/// How the function reaches Connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// Plain HTTP to the emulator on 127.0.0.1.
    Http,
    /// HTTPS to the emulator's TLS front on `localhost` (name resolution, TCP and TLS handshakes).
    Https,
}

impl Transport {
    pub const ALL: [Transport; 2] = [Transport::Http, Transport::Https];
}

/// One function under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Variant {
    pub runtime: Runtime,
    pub transport: Transport,
}

impl Variant {
    pub const fn new(runtime: Runtime, transport: Transport) -> Self {
        Self { runtime, transport }
    }
}

/// One `T` per runtime.
#[derive(Debug, Clone, Default)]
pub struct PerRuntime<T> {
    pub rust: T,
    pub rust_unwarmed: T,
    pub candidate: T,
    pub node: T,
}

impl<T> PerRuntime<T> {
    pub fn get(&self, runtime: Runtime) -> &T {
        match runtime {
            Runtime::Rust => &self.rust,
            Runtime::RustUnwarmed => &self.rust_unwarmed,
            Runtime::Candidate => &self.candidate,
            Runtime::Node => &self.node,
        }
    }

    pub fn get_mut(&mut self, runtime: Runtime) -> &mut T {
        match runtime {
            Runtime::Rust => &mut self.rust,
            Runtime::RustUnwarmed => &mut self.rust_unwarmed,
            Runtime::Candidate => &mut self.candidate,
            Runtime::Node => &mut self.node,
        }
    }
}

/// One `T` per variant: a slot for each runtime over each transport.
#[derive(Debug, Clone, Default)]
pub struct PerVariant<T> {
    pub http: PerRuntime<T>,
    pub https: PerRuntime<T>,
}

impl<T> PerVariant<T> {
    pub fn get(&self, variant: Variant) -> &T {
        match variant.transport {
            Transport::Http => self.http.get(variant.runtime),
            Transport::Https => self.https.get(variant.runtime),
        }
    }

    pub fn get_mut(&mut self, variant: Variant) -> &mut T {
        match variant.transport {
            Transport::Http => self.http.get_mut(variant.runtime),
            Transport::Https => self.https.get_mut(variant.runtime),
        }
    }
}

/// The functions of a run; Node.js and the candidate only when asked for.
pub type Functions = PerVariant<Option<Function>>;

impl Functions {
    /// The variants present, in a fixed order (the order cold starts are interleaved in).
    pub fn variants(&self, runtimes: &[Runtime]) -> Vec<Variant> {
        Transport::ALL
            .into_iter()
            .flat_map(|transport| {
                runtimes
                    .iter()
                    .map(move |&runtime| Variant::new(runtime, transport))
            })
            .filter(|&variant| self.get(variant).is_some())
            .collect()
    }

    pub fn function(&self, variant: Variant) -> Result<&Function, String> {
        self.get(variant)
            .as_ref()
            .ok_or_else(|| format!("no function for {variant:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_its_own_slot() {
        let mut counts: PerVariant<u32> = PerVariant::default();
        let runtimes = [
            Runtime::Rust,
            Runtime::RustUnwarmed,
            Runtime::Candidate,
            Runtime::Node,
        ];
        for (index, transport) in Transport::ALL.into_iter().enumerate() {
            for (offset, runtime) in runtimes.into_iter().enumerate() {
                *counts.get_mut(Variant::new(runtime, transport)) =
                    u32::try_from(index * 10 + offset).expect("small");
            }
        }
        assert_eq!(counts.http.rust, 0);
        assert_eq!(counts.http.node, 3);
        assert_eq!(counts.https.rust_unwarmed, 11);
        assert_eq!(counts.https.candidate, 12);
    }
}
