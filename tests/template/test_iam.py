"""Least privilege of the function's role, evaluated for concrete parameter sets."""

import re
import unittest

import cfn_model as m
from cfn_model import FLOW, FLOW_B, FLOW_C, INSTANCE, actions_of, resources_of

FLOW_ARN = "arn:aws:connect:eu-west-2:123456789012:instance/{}/contact-flow/{}"
CONTACTS_ARN = f"arn:aws:connect:eu-west-2:123456789012:instance/{INSTANCE}/contact/*"


def connect_statements(stack):
    return [s for s in stack.role_statements() if any(a.lower().startswith("connect:") for a in actions_of(s))]


def walk_strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from walk_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk_strings(v)
    elif isinstance(value, str):
        yield value


class ConnectPermissions(unittest.TestCase):
    CASES = {
        "default flow only": ({}, {FLOW}),
        "one extra flow": ({"AllowedContactFlowIds": FLOW_B}, {FLOW, FLOW_B}),
        "two extra flows": ({"AllowedContactFlowIds": f"{FLOW_B},{FLOW_C}"}, {FLOW, FLOW_B, FLOW_C}),
        "default listed again": ({"AllowedContactFlowIds": f"{FLOW},{FLOW_B}"}, {FLOW, FLOW_B}),
    }

    def test_flow_arns_are_exactly_the_default_and_allowed_flows(self):
        for label, (overrides, flows) in self.CASES.items():
            with self.subTest(label):
                stack = m.stack(AllowPersistentChat="false", **overrides)
                granted = {r for s in connect_statements(stack) for r in resources_of(s)}
                self.assertEqual(granted, {FLOW_ARN.format(INSTANCE, f) for f in flows})

    def test_only_start_chat_contact_is_allowed(self):
        for persistent in ("true", "false"):
            stack = m.stack(AllowPersistentChat=persistent, AllowedContactFlowIds=FLOW_B)
            statements = connect_statements(stack)
            self.assertTrue(statements)
            for statement in statements:
                self.assertEqual(statement["Effect"], "Allow")
                self.assertEqual(actions_of(statement), ["connect:StartChatContact"])
                self.assertNotIn("NotResource", statement)
                self.assertNotIn("NotAction", statement)

    def test_no_wildcard_on_flows_instances_or_everything(self):
        for persistent in ("true", "false"):
            stack = m.stack(AllowPersistentChat=persistent, AllowedContactFlowIds=f"{FLOW_B},{FLOW_C}")
            for statement in connect_statements(stack):
                for arn in resources_of(statement):
                    self.assertNotEqual(arn, "*")
                    self.assertNotRegex(arn, r"instance/\*")
                    self.assertNotRegex(arn, r":instance/[^/]*\*")
                    self.assertNotRegex(arn, r"contact-flow/[^/]*\*")
                    self.assertTrue(
                        arn == CONTACTS_ARN
                        or re.fullmatch(
                            rf"arn:aws:connect:eu-west-2:123456789012:instance/{INSTANCE}/contact-flow/"
                            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                            arn,
                        ),
                        arn,
                    )

    def test_instance_arn_is_not_granted(self):
        # The Service Authorization Reference lists contact-flow (required) and contact (optional) as the
        # resource types of StartChatContact; the bare instance ARN would add nothing but scope.
        stack = m.stack(AllowedContactFlowIds=FLOW_B)
        for statement in connect_statements(stack):
            for arn in resources_of(statement):
                self.assertFalse(arn.endswith(f"instance/{INSTANCE}"), arn)

    def test_source_contact_grant_only_with_persistent_chat(self):
        on = {r for s in connect_statements(m.stack(AllowPersistentChat="true")) for r in resources_of(s)}
        off = {r for s in connect_statements(m.stack(AllowPersistentChat="false")) for r in resources_of(s)}
        self.assertIn(CONTACTS_ARN, on)
        self.assertNotIn(CONTACTS_ARN, off)

    def test_persistent_chat_and_so_the_contact_grant_are_off_by_default(self):
        self.assertEqual(m.load_template()["Parameters"]["AllowPersistentChat"]["Default"], "false")
        granted = {r for s in connect_statements(m.stack()) for r in resources_of(s)}
        self.assertEqual(granted, {FLOW_ARN.format(INSTANCE, FLOW)})
        self.assertFalse([r for r in granted if "/contact/" in r])

    def test_raw_template_has_no_broad_connect_resource(self):
        text = m.TEMPLATE_PATH.read_text()
        self.assertNotRegex(text, r"instance/\*")
        self.assertNotRegex(text, r"contact-flow/\*")
        self.assertNotRegex(text, r"connect:\*")
        for value in walk_strings(m.load_template()["Resources"]):
            if ":connect:" in value:
                self.assertRegex(value, r"instance/\$\{InstanceId\}/(contact-flow/\$\{(ContactFlowId|FlowId)\}|contact/\*)$")


class OtherPermissions(unittest.TestCase):
    def test_role_is_explicit_and_only_assumable_by_lambda(self):
        role = m.stack().resources()["StartChatFunctionRole"]["Properties"]
        self.assertNotIn("ManagedPolicyArns", role)
        (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
        self.assertEqual(statement["Principal"], {"Service": "lambda.amazonaws.com"})
        self.assertEqual(statement["Action"], "sts:AssumeRole")
        function = m.stack().resources()["StartChatFunction"]["Properties"]
        self.assertEqual(function["Role"], "<StartChatFunctionRole.Arn>")
        self.assertNotIn("Policies", function)

    def test_logs_are_scoped_to_the_functions_log_group(self):
        stack = m.stack()
        logs = [s for s in stack.role_statements() if any(a.startswith("logs:") for a in actions_of(s))]
        self.assertEqual(len(logs), 1)
        self.assertEqual(sorted(actions_of(logs[0])), ["logs:CreateLogStream", "logs:PutLogEvents"])
        self.assertEqual(resources_of(logs[0]), ["<StartChatFunctionLogGroup.Arn>"])
        self.assertEqual(stack.resources()["StartChatFunctionLogGroup"]["Type"], "AWS::Logs::LogGroup")

    def test_xray_only_when_tracing(self):
        def xray(stack):
            return [s for s in stack.role_statements() if any(a.startswith("xray:") for a in actions_of(s))]

        self.assertEqual(xray(m.stack(EnableTracing="false")), [])
        (statement,) = xray(m.stack(EnableTracing="true"))
        self.assertEqual(sorted(actions_of(statement)), ["xray:PutTelemetryRecords", "xray:PutTraceSegments"])

    def test_wildcard_resources_only_where_aws_offers_nothing_narrower(self):
        for overrides in (
            {},
            {"SecretKmsKeyArn": "arn:aws:kms:eu-west-2:123456789012:key/0f8fad5b-d9cb-469f-a165-70867728950e"},
            {"ExistingSecretArn": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:chat-AbC123"},
        ):
            stack = m.stack(EnableTracing="true", AllowPersistentChat="true", AllowedContactFlowIds=FLOW_B, **overrides)
            for statement in stack.role_statements():
                if "*" in resources_of(statement):
                    self.assertTrue(all(a.startswith("xray:") for a in actions_of(statement)), statement)

    def test_exactly_these_services_on_the_role(self):
        stack = m.stack(
            EnableTracing="true",
            AllowPersistentChat="true",
            SecretKmsKeyArn="arn:aws:kms:eu-west-2:123456789012:key/0f8fad5b-d9cb-469f-a165-70867728950e",
        )
        services = {a.split(":", 1)[0] for s in stack.role_statements() for a in actions_of(s)}
        self.assertEqual(services, {"logs", "connect", "secretsmanager", "kms", "xray"})
        for statement in stack.role_statements():
            self.assertEqual(statement["Effect"], "Allow")

    def test_api_gateway_log_role_is_optional_narrow_and_kept(self):
        self.assertNotIn("ApiGatewayCloudWatchRole", m.stack(ApiType="rest").resources())
        self.assertNotIn("ApiGatewayCloudWatchRole", m.stack(CreateApiGatewayLogRole="true").resources())  # no REST API
        resources = m.stack(ApiType="rest", CreateApiGatewayLogRole="true").resources()
        role = resources["ApiGatewayCloudWatchRole"]
        # The account setting outlives the stack and every logging REST API of the account uses it.
        self.assertEqual((role["DeletionPolicy"], role["UpdateReplacePolicy"]), ("Retain", "Retain"))
        (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        self.assertEqual(statement["Principal"], {"Service": "apigateway.amazonaws.com"})
        self.assertEqual(statement["Condition"], {"StringEquals": {"aws:SourceAccount": "123456789012"}})
        self.assertEqual(
            role["Properties"]["ManagedPolicyArns"],
            ["arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"],
        )
        self.assertNotIn("Policies", role["Properties"])
        self.assertEqual(resources["ApiGatewayAccount"]["Properties"]["CloudWatchRoleArn"], "<ApiGatewayCloudWatchRole.Arn>")

    def test_api_gateway_may_only_invoke_the_chat_route(self):
        stack = m.stack(ApiType="both")
        permissions = stack.of_type("AWS::Lambda::Permission")
        self.assertEqual(len(permissions), 2)
        for perm in permissions.values():
            props = perm["Properties"]
            self.assertEqual(props["Principal"], "apigateway.amazonaws.com")
            self.assertEqual(props["FunctionName"], "<StartChatFunction>")
            self.assertRegex(
                props["SourceArn"], r"^arn:aws:execute-api:eu-west-2:123456789012:<(HttpApi|RestApi)>/\*/\*/chat$"
            )


if __name__ == "__main__":
    unittest.main()
