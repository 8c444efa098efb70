"""The function resource: build, runtime, logging and the environment contract."""

import re
import unittest

import cfn_model as m

# The function's environment contract (see the issue "Deploy it"): name -> parameter that feeds it.
ENV_CONTRACT = {
    "INSTANCE_ID": "InstanceId",
    "CONTACT_FLOW_ID": "ContactFlowId",
    "ALLOWED_INSTANCE_IDS": "AllowedInstanceIds",
    "ALLOWED_CONTACT_FLOW_IDS": "AllowedContactFlowIds",
    "CONTACT_FLOW_ALIASES": "ContactFlowAliases",
    "ALLOWED_ORIGINS": "AllowedOrigins",
    "REQUIRE_ORIGIN": "RequireOrigin",
    "ALLOWED_ATTRIBUTE_KEYS": "AllowedAttributeKeys",
    "ALLOWED_SEGMENT_ATTRIBUTE_KEYS": "AllowedSegmentAttributeKeys",
    "ALLOW_CUSTOMER_ID": "AllowCustomerId",
    "ALLOW_INCREMENTAL_RESPONSES": "AllowIncrementalResponses",
    "SUPPORTED_MESSAGING_CONTENT_TYPES": "SupportedMessagingContentTypes",
    "CHAT_DURATION_MINUTES": "ChatDurationMinutes",
    "ATTACHMENTS_ENABLED": "AttachmentsEnabled",
    "ALLOW_PERSISTENT_CHAT": "AllowPersistentChat",
    "CONTINUATION_TOKEN_TTL_HOURS": "ContinuationTokenTtlHours",
    "MAX_BODY_BYTES": "MaxBodyBytes",
    "SIGNED_CUSTOMERS": "SignedCustomers",
    "JWT_AUDIENCE": "JwtAudience",
    "CONNECT_API_TIMEOUT_MS": "ConnectApiTimeoutMs",
    "WARM_CONNECTION": "WarmConnection",
    "LOG_LEVEL": "LogLevel",
    "METRICS_NAMESPACE": "MetricsNamespace",
    "AVAILABILITY_QUEUES": "AvailabilityQueues",
    "AVAILABILITY_DETAILS": "AvailabilityDetails",
    "AVAILABILITY_METRICS_TTL_SECONDS": "AvailabilityMetricsTtlSeconds",
    "AVAILABILITY_SCHEDULE_TTL_SECONDS": "AvailabilityScheduleTtlSeconds",
    "AVAILABILITY_TIMEOUT_MS": "AvailabilityTimeoutMs",
    "REFUSE_START_WHEN": "RefuseStartWhen",
    "PUSH_APPLICATION_ARN": "PushApplicationArn",
}

# Parameters that only shape IAM or API Gateway and never reach the function.
NOT_IN_ENVIRONMENT = {
    "AvailabilityHoursOfOperationIds",
    "AvailabilityThrottlingRateLimit",
    "AvailabilityThrottlingBurstLimit",
    "PushThrottlingRateLimit",
    "PushThrottlingBurstLimit",
}

# Derived by the template: the secret's ARN (created here, or ExistingSecretArn). test_secret.py covers it.
DERIVED_ENV = {"SECRET_ARN"}

# Set by the template itself, not by a parameter: runtime tuning measured by `make bench`.
CONSTANT_ENV = {
    "MIMALLOC_EAGER_COMMIT": "0",
    "MIMALLOC_ARENA_EAGER_COMMIT": "0",
}


def raw_function():
    return m.load_template()["Resources"]["StartChatFunction"]


class Build(unittest.TestCase):
    def test_rust_cargolambda_build_of_the_start_chat_binary(self):
        fn = raw_function()
        self.assertEqual(fn["Type"], "AWS::Serverless::Function")
        self.assertEqual(fn["Metadata"]["BuildMethod"], "rust-cargolambda")
        self.assertEqual(fn["Metadata"]["BuildProperties"]["Binary"], "start-chat")
        props = fn["Properties"]
        self.assertEqual(props["CodeUri"], ".")
        self.assertEqual(props["Handler"], "bootstrap")
        self.assertEqual(props["Runtime"], "provided.al2023")

    def test_architecture_comes_from_a_parameter(self):
        self.assertEqual(raw_function()["Properties"]["Architectures"], [{"Ref": "Architecture"}])
        for arch in ("x86_64", "arm64"):
            props = m.stack(Architecture=arch).resources()["StartChatFunction"]["Properties"]
            self.assertEqual(props["Architectures"], [arch])


class Runtime(unittest.TestCase):
    def test_timeout_is_below_api_gateway_limit(self):
        timeout = int(raw_function()["Properties"]["Timeout"])
        self.assertLess(timeout, 29)
        self.assertGreaterEqual(timeout, 5)

    def test_memory_from_parameter(self):
        self.assertEqual(raw_function()["Properties"]["MemorySize"], {"Ref": "MemorySize"})

    def test_reserved_concurrency_wired_to_parameter(self):
        self.assertEqual(
            raw_function()["Properties"]["ReservedConcurrentExecutions"],
            {"Fn::If": ["HasReservedConcurrency", {"Ref": "ReservedConcurrency"}, {"Ref": "AWS::NoValue"}]},
        )
        self.assertEqual(m.stack().resources()["StartChatFunction"]["Properties"]["ReservedConcurrentExecutions"], "10")
        self.assertEqual(
            m.stack(ReservedConcurrency="3").resources()["StartChatFunction"]["Properties"]["ReservedConcurrentExecutions"], "3"
        )
        self.assertNotIn(
            "ReservedConcurrentExecutions",
            m.stack(ReservedConcurrency="-1").resources()["StartChatFunction"]["Properties"],
        )

    def test_make_local_runs_as_many_instances_as_the_default_reservation(self):
        # scripts/local.sh runs cargo lambda with as many concurrent instances as a deployed function gets
        # by default, so a burst against `make local` meets what production would.
        script = (m.ROOT / "scripts" / "local.sh").read_text()
        local = re.search(r"^default_concurrency=(\d+)$", script, re.MULTILINE)
        self.assertIsNotNone(local, "scripts/local.sh sets default_concurrency")
        self.assertIn('--concurrency "${FUNCTION_CONCURRENCY:-$default_concurrency}"', script)
        self.assertEqual(local.group(1), str(m.load_template()["Parameters"]["ReservedConcurrency"]["Default"]))

    def test_tracing_from_parameter(self):
        self.assertEqual(m.stack(EnableTracing="true").resources()["StartChatFunction"]["Properties"]["Tracing"], "Active")
        self.assertEqual(m.stack(EnableTracing="false").resources()["StartChatFunction"]["Properties"]["Tracing"], "PassThrough")


class Logging(unittest.TestCase):
    def test_json_logs_into_an_explicit_log_group_with_retention(self):
        stack = m.stack(LogRetentionInDays="90")
        props = stack.resources()["StartChatFunction"]["Properties"]
        logging = props["LoggingConfig"]
        self.assertEqual(logging["LogFormat"], "JSON")
        self.assertEqual(logging["LogGroup"], "<StartChatFunctionLogGroup>")
        group = stack.resources()["StartChatFunctionLogGroup"]
        self.assertEqual(group["Type"], "AWS::Logs::LogGroup")
        self.assertEqual(group["Properties"]["RetentionInDays"], "90")
        self.assertEqual(
            m.load_template()["Resources"]["StartChatFunctionLogGroup"]["Properties"]["RetentionInDays"],
            {"Ref": "LogRetentionInDays"},
        )

    def test_application_log_level_follows_log_level_but_keeps_metric_lines(self):
        # Lambda treats JSON lines without "level" (the EMF metric lines) as INFO: filtering above INFO
        # would drop the ConnectThrottled/ConnectFailed metrics the alarms watch.
        expected = {"error": "INFO", "warn": "INFO", "info": "INFO", "debug": "DEBUG", "trace": "TRACE"}
        self.assertEqual(m.load_template()["Parameters"]["LogLevel"]["AllowedValues"], list(expected))
        for level, lambda_level in expected.items():
            with self.subTest(level):
                stack = m.stack(LogLevel=level)
                props = stack.resources()["StartChatFunction"]["Properties"]
                self.assertEqual(props["LoggingConfig"]["ApplicationLogLevel"], lambda_level)
                self.assertEqual(props["Environment"]["Variables"]["LOG_LEVEL"], level)


class Environment(unittest.TestCase):
    def test_exactly_the_contract_variables(self):
        variables = raw_function()["Properties"]["Environment"]["Variables"]
        self.assertEqual(set(variables), set(ENV_CONTRACT) | DERIVED_ENV | set(CONSTANT_ENV))
        for name, value in CONSTANT_ENV.items():
            self.assertEqual(variables[name], value)

    def test_iam_and_throttling_parameters_stay_out_of_the_environment(self):
        self.assertLessEqual(NOT_IN_ENVIRONMENT, set(m.load_template()["Parameters"]))
        self.assertFalse(NOT_IN_ENVIRONMENT & set(ENV_CONTRACT.values()))
        values = list(raw_function()["Properties"]["Environment"]["Variables"].values())
        for name in NOT_IN_ENVIRONMENT:
            with self.subTest(name):
                self.assertNotIn({"Ref": name}, values)
                self.assertNotIn({"Fn::Join": [",", {"Ref": name}]}, values)

    def test_every_variable_comes_from_its_parameter(self):
        variables = raw_function()["Properties"]["Environment"]["Variables"]
        params = m.load_template()["Parameters"]
        for name, param in ENV_CONTRACT.items():
            with self.subTest(name):
                self.assertIn(param, params)
                value = variables[name]
                if params[param]["Type"] == "CommaDelimitedList":
                    self.assertEqual(value, {"Fn::Join": [",", {"Ref": param}]})
                else:
                    self.assertEqual(value, {"Ref": param})

    def test_values_reach_the_function_unchanged(self):
        overrides = {
            "AllowedContactFlowIds": f"{m.FLOW_B},{m.FLOW_C}",
            "ContactFlowAliases": f"sales={m.FLOW_B}",
            "AllowedOrigins": "https://www.example.com,https://example.com",
            "ChatDurationMinutes": "120",
            "MetricsNamespace": "Chat/Prod",
            "AllowedSegmentAttributeKeys": "connect:Subtype,connect:Channel",
            "AllowCustomerId": "false",
            "ContinuationTokenTtlHours": "24",
            "SignedCustomers": "true",
            "JwtAudience": "https://chat.example.com",
            "AvailabilityQueues": f"default={m.FLOW_B},sales={m.FLOW_C}",
            "AvailabilityHoursOfOperationIds": m.FLOW_C,
            "AvailabilityDetails": "true",
            "AvailabilityMetricsTtlSeconds": "30",
            "AvailabilityScheduleTtlSeconds": "600",
            "AvailabilityTimeoutMs": "750",
            "RefuseStartWhen": "unavailable",
            "PushApplicationArn": "arn:aws:mobiletargeting:eu-west-2:123456789012:apps/0123456789abcdef0123456789abcdef",
            "AllowIncrementalResponses": "true",
        }
        variables = m.stack(**overrides).resources()["StartChatFunction"]["Properties"]["Environment"]["Variables"]
        # The function parses exactly these strings (config.rs): the list joined back with commas, no spaces.
        self.assertEqual(variables["AVAILABILITY_QUEUES"], f"default={m.FLOW_B},sales={m.FLOW_C}")
        self.assertEqual(variables["AVAILABILITY_DETAILS"], "true")
        self.assertEqual(variables["AVAILABILITY_METRICS_TTL_SECONDS"], "30")
        self.assertEqual(variables["AVAILABILITY_SCHEDULE_TTL_SECONDS"], "600")
        self.assertEqual(variables["AVAILABILITY_TIMEOUT_MS"], "750")
        self.assertEqual(variables["REFUSE_START_WHEN"], "unavailable")
        self.assertEqual(variables["PUSH_APPLICATION_ARN"], overrides["PushApplicationArn"])
        self.assertEqual(variables["ALLOW_INCREMENTAL_RESPONSES"], "true")
        self.assertNotIn(m.FLOW_C, [v for k, v in variables.items() if k != "AVAILABILITY_QUEUES"])  # the hours id stays in IAM
        self.assertEqual(variables["ALLOWED_CONTACT_FLOW_IDS"], overrides["AllowedContactFlowIds"])
        self.assertEqual(variables["CONTACT_FLOW_ALIASES"], overrides["ContactFlowAliases"])
        self.assertEqual(variables["ALLOWED_ORIGINS"], overrides["AllowedOrigins"])
        self.assertEqual(variables["CHAT_DURATION_MINUTES"], "120")
        self.assertEqual(variables["METRICS_NAMESPACE"], "Chat/Prod")
        self.assertEqual(variables["ALLOWED_SEGMENT_ATTRIBUTE_KEYS"], "connect:Subtype,connect:Channel")
        self.assertEqual(variables["ALLOW_CUSTOMER_ID"], "false")
        self.assertEqual(variables["CONTINUATION_TOKEN_TTL_HOURS"], "24")
        self.assertEqual(variables["SIGNED_CUSTOMERS"], "true")
        self.assertEqual(variables["JWT_AUDIENCE"], "https://chat.example.com")
        self.assertEqual(variables["INSTANCE_ID"], m.INSTANCE)
        self.assertEqual(variables["CONTACT_FLOW_ID"], m.FLOW)
        # The empty list parameter reaches the function as an empty string, not as a stray comma.
        empty = m.stack().resources()["StartChatFunction"]["Properties"]["Environment"]["Variables"]
        self.assertEqual(empty["ALLOWED_CONTACT_FLOW_IDS"], "")

    def test_defaults_reach_the_function(self):
        # The issue-9 defaults: persistent chat off, only connect:Subtype, the duration ceiling of 25 hours.
        variables = m.stack().resources()["StartChatFunction"]["Properties"]["Environment"]["Variables"]
        expected = {
            "ALLOW_PERSISTENT_CHAT": "false",
            "ALLOWED_SEGMENT_ATTRIBUTE_KEYS": "connect:Subtype",
            # Issue 18: a browser's CustomerId is an unverified claim, refused unless the operator allows it.
            "ALLOW_CUSTOMER_ID": "false",
            "ALLOW_INCREMENTAL_RESPONSES": "false",
            # Availability and push are off (empty = unset); their tuning has the function's defaults.
            "AVAILABILITY_QUEUES": "",
            "AVAILABILITY_DETAILS": "false",
            "AVAILABILITY_METRICS_TTL_SECONDS": "15",
            "AVAILABILITY_SCHEDULE_TTL_SECONDS": "300",
            "AVAILABILITY_TIMEOUT_MS": "1000",
            "REFUSE_START_WHEN": "never",
            "PUSH_APPLICATION_ARN": "",
            "CHAT_DURATION_MINUTES": "1500",
            "CONTINUATION_TOKEN_TTL_HOURS": "168",
            "SIGNED_CUSTOMERS": "false",
            "JWT_AUDIENCE": "",
        }
        for name, value in expected.items():
            with self.subTest(name):
                self.assertEqual(variables[name], value)


if __name__ == "__main__":
    unittest.main()
