//! Wiring only: read the configuration (fail fast), read the secret and build the Connect clients once,
//! serve requests.

use lambda_runtime::{Error, LambdaEvent, Runtime, layers::TracingLayer, service_fn};
use serde_json::Value;
use start_chat::config::Settings;
use start_chat::connect::{
    SdkAvailabilitySource, SdkChatStarter, SdkPushRegistrations, availability_client, aws_config,
    connect_client, warm_connection,
};
use start_chat::http::{ChatHandler, ProxyResponse};
use start_chat::secrets::read_secret;
use start_chat::telemetry::{self, HoldOutputLayer, LogSettings, Metrics};
use std::process::ExitCode;

// Faster than glibc's malloc for the SDK's many small allocations; `template.yaml` turns its eager commit
// off so that memory stays at what is used (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => return fail_at_init(LogSettings::default(), &error.to_string()),
    };
    let log = settings.log;
    telemetry::init_logging(log);

    let aws = match aws_config(&settings.connect).await {
        Ok(aws) => aws,
        Err(problem) => return fail_at_init(log, &problem),
    };
    let secret = match settings.secret_arn() {
        Some(arn) => match read_secret(&aws, arn).await {
            Ok(values) => Some(values),
            Err(problem) => return fail_at_init(log, &problem),
        },
        None => None,
    };
    let config = match settings.into_config(secret) {
        Ok(config) => config,
        Err(error) => return fail_at_init(log, &error.to_string()),
    };
    let client = connect_client(&aws);
    // Availability's own client (no retries, its own timeouts and retry quota), when configured.
    let availability = config.availability.map(|settings| {
        let client = availability_client(&aws, settings.budget);
        let source = SdkAvailabilitySource::new(client, &settings.instance_id);
        (settings, source)
    });
    if config.connect.warm_connection {
        let warmed = warm_connection(&client).await;
        tracing::debug!(warmed, "connection to Amazon Connect warmed");
    }
    let metrics = match std::env::var("AWS_LAMBDA_FUNCTION_NAME") {
        Ok(function_name) => Metrics::embedded(&config.metrics_namespace, function_name),
        Err(_) => Metrics::disabled(),
    };
    // Push registrations share the start's client: its retries, timeouts and connection.
    let push = config
        .push
        .map(|policy| (policy, SdkPushRegistrations::new(client.clone())));
    // The runtime requires the service's futures to be `'static`; leaking the handler once (it lives as
    // long as the process anyway) lets every invocation borrow it instead of cloning or reference-counting.
    let handler: &'static ChatHandler<SdkChatStarter, SdkAvailabilitySource, SdkPushRegistrations> =
        Box::leak(Box::new(
            ChatHandler::new(
                config.http,
                config.policy,
                config.customer_tokens,
                SdkChatStarter::new(client),
                metrics,
            )
            .with_availability(availability)
            .with_push(push),
        ));

    let service = service_fn(move |event: LambdaEvent<Value>| async move {
        let response = handler
            .handle_event(&event.payload, &event.context.request_id)
            .await;
        Ok::<ProxyResponse, Error>(response)
    });
    // The runtime loop, plus the layer that writes each invocation's log lines after its response.
    let served = Runtime::new(service)
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
