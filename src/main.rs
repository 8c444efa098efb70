//! Wiring only: read the configuration (fail fast), build the Connect client once, serve requests.

use lambda_http::lambda_runtime::{Runtime, layers::TracingLayer};
use lambda_http::{Adapter, Error, Request, service_fn};
use start_chat::config::Config;
use start_chat::connect::{SdkChatStarter, connect_client, warm_connection};
use start_chat::http::ChatHandler;
use start_chat::telemetry::{self, HoldOutputLayer, LogSettings, Metrics};
use std::process::ExitCode;

// Faster than glibc's malloc for the SDK's many small allocations; `template.yaml` turns its eager commit
// off so that memory stays at what is used (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => return fail_at_init(LogSettings::default(), &error.to_string()),
    };
    telemetry::init_logging(config.log);

    let client = match connect_client(&config.connect).await {
        Ok(client) => client,
        Err(problem) => return fail_at_init(config.log, &problem),
    };
    if config.connect.warm_connection {
        let warmed = warm_connection(&client).await;
        tracing::debug!(warmed, "connection to Amazon Connect warmed");
    }
    let metrics = match std::env::var("AWS_LAMBDA_FUNCTION_NAME") {
        Ok(function_name) => Metrics::embedded(&config.metrics_namespace, function_name),
        Err(_) => Metrics::disabled(),
    };
    // Lives as long as the process: every invocation borrows it, none clones it.
    let handler: &'static ChatHandler<SdkChatStarter> = Box::leak(Box::new(ChatHandler::new(
        config.http,
        config.policy,
        SdkChatStarter::new(client),
        metrics,
    )));

    let service = service_fn(move |request: Request| async move {
        let response = handler.handle(request).await;
        Ok::<_, Error>(response)
    });
    // `lambda_http::run`, plus the layer that writes each invocation's log lines after its response.
    let served = Runtime::new(Adapter::from(service))
        .layer(TracingLayer::new())
        .layer(HoldOutputLayer)
        .run()
        .await;
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = %error, "the Lambda runtime stopped");
            ExitCode::FAILURE
        }
    }
}

/// A configuration problem stops the function during init, with one log line that names the variable.
fn fail_at_init(log: LogSettings, problem: &str) -> ExitCode {
    telemetry::init_logging(log);
    tracing::error!(problem, "invalid configuration; the function cannot start");
    ExitCode::FAILURE
}
