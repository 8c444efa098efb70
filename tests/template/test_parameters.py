"""Every parameter is documented and its AllowedPattern accepts good values and rejects malformed ones.

CloudFormation matches AllowedPattern against the whole value (each element for a CommaDelimitedList),
so the tests use re.fullmatch. The patterns only use syntax that Java (CloudFormation) and Python
regular expressions read the same way.
"""

import re
import unittest

import cfn_model as m

U1 = "0f8fad5b-d9cb-469f-a165-70867728950e"
U2 = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
U3 = "aaaaaaaa-2222-4333-8444-555555555555"

UUID_GOOD = [U1, U2, U3]
UUID_BAD = [
    "",
    "*",
    U1.upper(),  # ARNs (and so IAM matching) use lowercase ids
    "0F8FAD5B-d9cb-469f-a165-70867728950e",
    "0f8fad5b-d9cb-469f-a165-70867728950E",
    U1[:-1],
    U1 + "0",
    U1.replace("-", ""),
    f" {U1}",
    f"{U1} ",
    f"arn:aws:connect:us-east-1:123456789012:instance/{U1}",
    f"{U1}/contact-flow/{U2}",
    "0f8fad5g-d9cb-469f-a165-70867728950e",
    f"{U1},{U2}",
]
UUID_LIST_GOOD = ["", U1, f"{U1},{U2}", f"{U1},{U2},{U3}"]
UUID_LIST_BAD = [",", f"{U1},", f",{U1}", f"{U1},,{U2}", f"{U1}, {U2}", f"{U1};{U2}", "*", f"{U1},*", U1.upper()] + [
    f"{U2},{bad}" for bad in UUID_BAD if bad and "," not in bad
] + [f"{bad},{U2}" for bad in UUID_BAD if bad and "," not in bad]

PATTERN_CASES = {
    "InstanceId": (UUID_GOOD, UUID_BAD),
    "ContactFlowId": (UUID_GOOD, UUID_BAD),
    "AllowedInstanceIds": (UUID_LIST_GOOD, UUID_LIST_BAD),
    "ContactFlowAliases": (
        ["", f"sales={U1}", f"sales={U1},support={U2}", f"Sales_EU-2={U1}", f"a={U1},b={U1}", f"{'x' * 64}={U1}", f"-sales={U1}"],
        [
            "sales",
            f"sales={U1},",
            f"sales={U1};support={U2}",
            f"sales ={U1}",
            f"sales= {U1}",
            f"=={U1}",
            f"={U1}",
            f"sales={U1.upper()}",
            f"sa les={U1}",
            f"sales=*",
            f"sales={U1},support",
            f"{'x' * 65}={U1}",
            f"sales:{U1}",
        ],
    ),
    "AllowedOrigins": (
        [
            "",
            "*",
            "https://www.example.com",
            "https://example.com,https://www.example.com",
            "https://chat.example.co.uk:8443",
            "https://xn--bcher-kva.example",
            "http://localhost:3000",
            "http://127.0.0.1:8080",
            "http://localhost",
            "https://a.example.com,http://localhost:5173",
        ],
        [
            "www.example.com",
            "https://www.example.com/",
            "https://www.example.com/chat",
            "https://WWW.example.com",
            "http://www.example.com",
            "https://*.example.com",
            "*,https://www.example.com",
            "https://www.example.com,*",
            "https://www.example.com, https://example.com",
            "https://www.example.com,",
            ",https://www.example.com",
            "https://-bad.example.com",
            "https://www.example.com?x=1",
            "https://user@www.example.com",
            "null",
            "file://",
            "https://www.example.com:",
            "javascript:alert(1)",
        ],
    ),
    "AllowedAttributeKeys": (
        ["", "customerName", "customerName,orderId", "order-id,order_id,X1"],
        ["customer name", "customerName,", ",customerName", "a,,b", "customer.name", "k:v", "*", "x" * 129],
    ),
    "SupportedMessagingContentTypes": (
        [
            "text/plain",
            "text/plain,text/markdown",
            "text/plain,text/markdown,application/json",
            "text/plain,application/vnd.amazonaws.connect.message.interactive,"
            "application/vnd.amazonaws.connect.message.interactive.response",
        ],
        [
            "",
            "text/markdown",
            "text/markdown,text/plain",
            "text/plain,",
            "text/plain, text/markdown",
            "text/plain,text/html",
            "text/plain,application/xml",
            "text/plain;charset=utf-8",
            "TEXT/PLAIN",
            "text/plain,application/vnd.amazonaws.connect.message.interactiveX",
        ],
    ),
    "AllowedSegmentAttributeKeys": (
        ["connect:Subtype", "connect:Subtype,connect:Channel", "my-app.tier_1"],
        ["", "connect:Subtype,", ",connect:Subtype", "connect:Subtype, x", "a,,b", "*x y", "k=v", "x" * 129],
    ),
    "JwtAudience": (
        ["", "start-chat", "https://chat.example.com", "urn:example:chat", "x" * 256],
        [" ", "start chat", "aud\n", "x" * 257, "caf\u00e9"],
    ),
    "ExistingSecretArn": (
        [
            "",
            "arn:aws:secretsmanager:eu-west-2:123456789012:secret:start-chat-AbC123",
            "arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/chat/keys-a1B2c3",
            "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:chat-AbCdEf",
        ],
        [
            "start-chat",
            "arn:aws:secretsmanager:eu-west-2:123456789012:secret:start-chat",  # partial ARN: IAM would not match
            "arn:aws:secretsmanager:eu-west-2:123456789012:secret:*",
            "arn:aws:secretsmanager:eu-west-2:123456789012:secret:start-chat-*",
            "arn:aws:secretsmanager:eu-west-2:123456789012:secret:start-chat-AbC12?",
            "arn:aws:ssm:eu-west-2:123456789012:parameter/start-chat-AbC123",
            "arn:aws:secretsmanager:eu-west-2:12345678901:secret:start-chat-AbC123",
            "*",
        ],
    ),
    "SecretKmsKeyArn": (
        [
            "",
            "arn:aws:kms:eu-west-2:123456789012:key/0f8fad5b-d9cb-469f-a165-70867728950e",
            "arn:aws:kms:eu-west-2:123456789012:key/mrk-0123456789abcdef0123456789abcdef",
        ],
        [
            "arn:aws:kms:eu-west-2:123456789012:alias/aws/secretsmanager",
            "arn:aws:kms:eu-west-2:123456789012:alias/chat",
            "arn:aws:kms:eu-west-2:123456789012:key/*",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "alias/chat",
            "*",
        ],
    ),
    "MetricsNamespace": (
        ["StartChat", "Chat/Widget", "my.app_chat-1", "a#b:c"],
        ["", "AWS/Lambda", "AWS/", ":Chat", "Start Chat", "x" * 256, "Chat\n"],
    ),
    "AlarmTopicArn": (
        ["", "arn:aws:sns:eu-west-2:123456789012:alarms", "arn:aws-us-gov:sns:us-gov-west-1:123456789012:a-b_c.fifo"],
        ["alarms", "arn:aws:sns:eu-west-2:12345678901:alarms", "arn:aws:sqs:eu-west-2:123456789012:q", "*"],
    ),
    "PushApplicationArn": (
        [
            "",
            "arn:aws:mobiletargeting:eu-west-2:123456789012:apps/0123456789abcdef0123456789abcdef",
            "arn:aws-us-gov:mobiletargeting:us-gov-west-1:123456789012:apps/ffffffffffffffffffffffffffffffff",
        ],
        [
            "0123456789abcdef0123456789abcdef",  # the application id alone
            "arn:aws:mobiletargeting:eu-west-2:123456789012:apps/*",
            "arn:aws:mobiletargeting:eu-west-2:123456789012:apps/0123456789abcdef0123456789abcdef/*",
            "arn:aws:mobiletargeting:eu-west-2:123456789012:apps/0123456789ABCDEF0123456789ABCDEF",
            "arn:aws:mobiletargeting:eu-west-2:123456789012:apps/0123456789abcdef0123456789abcde",
            "arn:aws:mobiletargeting:eu-west-2:123456789012:apps/0123456789abcdef0123456789abcdef0",
            "arn:aws:mobiletargeting:eu-west-2:123456789012:apps",
            "arn:aws:mobiletargeting:eu-west-2:12345678901:apps/0123456789abcdef0123456789abcdef",
            "arn:aws:sns:eu-west-2:123456789012:app/GCM/chat",
            "arn:aws:mobiletargeting:eu-west-2:123456789012:apps/0123456789abcdef0123456789abcdef ",
            "*",
        ],
    ),
}

# CommaDelimitedList: CloudFormation applies the pattern to each element.
ELEMENT_PATTERN_CASES = {
    "AllowedContactFlowIds": ([[""], [U1], [U1, U2], [U1, U2, U3]], [["*"], [U1.upper()], [U1, "x"], [f"{U1} "]]),
    "AvailabilityHoursOfOperationIds": ([[""], [U1], [U1, U2]], [["*"], [U1.upper()], [U1, "x"], [f" {U1}"], [f"{U1}/x"]]),
    # name=queueId per entry: default for ContactFlowId, then the ContactFlowAliases names.
    "AvailabilityQueues": (
        [[""], [f"default={U1}"], [f"default={U1}", f"sales={U2}"], [f"Sales_EU-2={U1}"], [f"{'x' * 64}={U1}"]],
        [
            ["default"],
            [U1],
            [f"default={U1.upper()}"],
            [f"default= {U1}"],
            [f"default ={U1}"],
            [f"={U1}"],
            [f"default=={U1}"],
            [f"default={U1}={U2}"],
            [f"default:{U1}"],
            ["default=*"],
            [f"de fault={U1}"],
            [f"{'x' * 65}={U1}"],
            [f"default={U1}", "sales"],
            [f"default=arn:aws:connect:eu-west-2:123456789012:instance/{U2}/queue/{U1}"],
        ],
    ),
}


def pattern(name):
    return m.load_template()["Parameters"][name]["AllowedPattern"]


class AllowedPatterns(unittest.TestCase):
    def test_good_values_are_accepted_and_bad_ones_rejected(self):
        for name, (good, bad) in PATTERN_CASES.items():
            regex = pattern(name)
            for value in good:
                with self.subTest(parameter=name, good=value):
                    self.assertIsNotNone(re.fullmatch(regex, value), f"{name} should accept {value!r}")
            for value in bad:
                with self.subTest(parameter=name, bad=value):
                    self.assertIsNone(re.fullmatch(regex, value), f"{name} should reject {value!r}")

    def test_list_elements(self):
        for name, (good, bad) in ELEMENT_PATTERN_CASES.items():
            regex = pattern(name)
            for values in good:
                with self.subTest(parameter=name, good=values):
                    self.assertTrue(all(re.fullmatch(regex, v) for v in values))
            for values in bad:
                with self.subTest(parameter=name, bad=values):
                    self.assertFalse(all(re.fullmatch(regex, v) for v in values))

    def test_chat_duration_is_a_number_from_60_to_10080_defaulting_to_connects_25_hours(self):
        spec = m.load_template()["Parameters"]["ChatDurationMinutes"]
        self.assertEqual(spec["Type"], "Number")
        self.assertEqual((int(spec["MinValue"]), int(spec["MaxValue"])), (60, 10080))
        self.assertEqual(int(spec["Default"]), 1500)

    def test_every_string_pattern_parameter_is_covered_here(self):
        params = m.load_template()["Parameters"]
        with_patterns = {n for n, p in params.items() if "AllowedPattern" in p}
        self.assertEqual(with_patterns, set(PATTERN_CASES) | set(ELEMENT_PATTERN_CASES))


class ParameterHygiene(unittest.TestCase):
    def setUp(self):
        self.params = m.load_template()["Parameters"]

    def test_every_parameter_is_described(self):
        for name, spec in self.params.items():
            with self.subTest(name):
                self.assertGreater(len(spec.get("Description", "")), 20)

    def test_every_free_text_parameter_is_constrained(self):
        for name, spec in self.params.items():
            with self.subTest(name):
                if spec["Type"] in ("String", "CommaDelimitedList"):
                    self.assertTrue("AllowedPattern" in spec or "AllowedValues" in spec, name)
                else:
                    self.assertEqual(spec["Type"], "Number")
                    self.assertTrue(("MinValue" in spec and "MaxValue" in spec) or "AllowedValues" in spec or name == "ConnectAlarmThreshold", name)

    def test_defaults_satisfy_their_own_constraints(self):
        for name, spec in self.params.items():
            if "Default" not in spec:
                continue
            with self.subTest(name):
                default = str(spec["Default"])
                if "AllowedValues" in spec:
                    self.assertIn(default, [str(v) for v in spec["AllowedValues"]])
                if "AllowedPattern" in spec:
                    values = default.split(",") if spec["Type"] == "CommaDelimitedList" else [default]
                    for v in values:
                        self.assertIsNotNone(re.fullmatch(spec["AllowedPattern"], v))
                if "MinValue" in spec:
                    self.assertGreaterEqual(float(default), float(spec["MinValue"]))
                if "MaxValue" in spec:
                    self.assertLessEqual(float(default), float(spec["MaxValue"]))

    def test_required_parameters_have_no_default(self):
        self.assertNotIn("Default", self.params["InstanceId"])
        self.assertNotIn("Default", self.params["ContactFlowId"])

    def test_booleans_are_true_or_false(self):
        for name in (
            "RequireOrigin",
            "AttachmentsEnabled",
            "AllowPersistentChat",
            "AllowCustomerId",
            "AllowIncrementalResponses",
            "AvailabilityDetails",
            "SignedCustomers",
            "CreateApiGatewayLogRole",
            "WarmConnection",
            "EnableWaf",
            "EnableTracing",
            "EnableAlarms",
        ):
            with self.subTest(name):
                self.assertEqual(sorted(self.params[name]["AllowedValues"]), ["false", "true"])

    def test_documented_defaults(self):
        expected = {
            "RequireOrigin": "false",
            "AllowPersistentChat": "false",
            "AllowedSegmentAttributeKeys": "connect:Subtype",
            "AllowCustomerId": "false",
            "AllowIncrementalResponses": "false",
            "AvailabilityQueues": "",
            "AvailabilityHoursOfOperationIds": "",
            "AvailabilityDetails": "false",
            "RefuseStartWhen": "never",
            "PushApplicationArn": "",
            "ChatDurationMinutes": "1500",
            "ContinuationTokenTtlHours": "168",
            "SignedCustomers": "false",
            "JwtAudience": "",
            "ExistingSecretArn": "",
            "SecretKmsKeyArn": "",
            "CreateApiGatewayLogRole": "false",
            "RefusedAuthAlarmThreshold": "20",
            "SupportedMessagingContentTypes": "text/plain",
            "MaxBodyBytes": "65536",
            "ConnectApiTimeoutMs": "4000",
            "LogLevel": "info",
            "MetricsNamespace": "StartChat",
            "Architecture": "x86_64",
            "MemorySize": "128",
            "ApiThrottlingRateLimit": "5",
            "ApiThrottlingBurstLimit": "8",
            "AvailabilityThrottlingRateLimit": "100",
            "AvailabilityThrottlingBurstLimit": "200",
            "PushThrottlingRateLimit": "2",
            "PushThrottlingBurstLimit": "5",
            "EnableWaf": "false",
            "AllowedOrigins": "",
            "WarmConnection": "true",
        }
        for name, value in expected.items():
            with self.subTest(name):
                self.assertEqual(str(self.params[name]["Default"]), value)
        self.assertEqual(self.params["LogLevel"]["AllowedValues"], ["error", "warn", "info", "debug", "trace"])
        self.assertEqual(self.params["Architecture"]["AllowedValues"], ["x86_64", "arm64"])

    def test_availability_tuning_ranges_match_the_function(self):
        # The function refuses values outside these ranges at cold start (src/config/availability.rs).
        expected = {
            "AvailabilityMetricsTtlSeconds": (15, 1, 300),
            "AvailabilityScheduleTtlSeconds": (300, 10, 3600),
            "AvailabilityTimeoutMs": (1000, 100, 5000),
        }
        for name, (default, low, high) in expected.items():
            with self.subTest(name):
                spec = self.params[name]
                self.assertEqual(spec["Type"], "Number")
                self.assertEqual((int(spec["Default"]), int(spec["MinValue"]), int(spec["MaxValue"])), (default, low, high))
        self.assertEqual(self.params["RefuseStartWhen"]["AllowedValues"], ["never", "closed", "unavailable"])
        function = m.load_template()["Resources"]["StartChatFunction"]["Properties"]
        self.assertLess(int(self.params["AvailabilityTimeoutMs"]["MaxValue"]), int(function["Timeout"]) * 1000)

    def test_throttling_limits_are_bounded_like_api_gateways(self):
        for name in ("ApiThrottling", "AvailabilityThrottling", "PushThrottling"):
            with self.subTest(name):
                rate, burst = self.params[f"{name}RateLimit"], self.params[f"{name}BurstLimit"]
                self.assertEqual((int(rate["MinValue"]), int(rate["MaxValue"])), (1, 10000))
                self.assertEqual((int(burst["MinValue"]), int(burst["MaxValue"])), (1, 5000))
                self.assertGreaterEqual(int(burst["Default"]), int(rate["Default"]))

    def test_console_groups_list_every_parameter_once(self):
        groups = m.load_template()["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
        grouped = [name for group in groups for name in group["Parameters"]]
        self.assertEqual(sorted(grouped), sorted(self.params))
        self.assertEqual(len(grouped), len(set(grouped)))

    def test_connect_timeout_stays_below_function_timeout(self):
        function = m.load_template()["Resources"]["StartChatFunction"]["Properties"]
        self.assertLess(int(self.params["ConnectApiTimeoutMs"]["MaxValue"]), int(function["Timeout"]) * 1000)


class Rules(unittest.TestCase):
    """Combinations CloudFormation refuses before deploying anything (the template's Rules, evaluated)."""

    Q = f"default={U1}"
    CASES = [
        # (overrides, rules that fail)
        ({}, []),
        ({"AvailabilityQueues": Q, "AvailabilityHoursOfOperationIds": U2}, []),
        ({"AvailabilityQueues": f"{Q},sales={U3}", "AvailabilityHoursOfOperationIds": f"{U2},{U3}"}, []),
        ({"AvailabilityQueues": Q}, ["AvailabilityQueuesNeedTheirHours"]),
        ({"AvailabilityHoursOfOperationIds": U2}, ["AvailabilityHoursNeedQueues"]),
        ({"AvailabilityQueues": f"{Q},", "AvailabilityHoursOfOperationIds": U2}, ["AvailabilityQueuesHaveNoEmptyEntries"]),
        ({"AvailabilityQueues": Q, "AvailabilityHoursOfOperationIds": f"{U2},,{U3}"}, ["AvailabilityHoursHaveNoEmptyEntries"]),
        ({"RefuseStartWhen": "closed"}, ["RefusingStartsNeedsAvailability"]),
        ({"RefuseStartWhen": "unavailable"}, ["RefusingStartsNeedsAvailability"]),
        ({"RefuseStartWhen": "closed", "AvailabilityQueues": Q, "AvailabilityHoursOfOperationIds": U2}, []),
        ({"AllowedContactFlowIds": f"{U1},"}, ["AllowedFlowIdsHaveNoEmptyEntries"]),
        ({"EnableWaf": "true"}, ["WafNeedsRestApi"]),
        ({"EnableWaf": "true", "ApiType": "both"}, []),
        ({"PushApplicationArn": "arn:aws:mobiletargeting:eu-west-2:123456789012:apps/0123456789abcdef0123456789abcdef"}, []),
    ]

    def test_rules_refuse_exactly_the_half_configured_combinations(self):
        for overrides, failing in self.CASES:
            with self.subTest(**overrides):
                self.assertEqual(m.stack(**overrides).rule_failures(), failing)

    def test_every_rule_is_exercised(self):
        exercised = {name for _, failing in self.CASES for name in failing}
        self.assertEqual(exercised, set(m.load_template()["Rules"]))


if __name__ == "__main__":
    unittest.main()
