"""Least privilege of the function's role, evaluated for concrete parameter sets."""

import json
import re
import unittest

import cfn_model as m
from cfn_model import FLOW, FLOW_B, FLOW_C, INSTANCE, actions_of, resources_of

FLOW_ARN = "arn:aws:connect:eu-west-2:123456789012:instance/{}/contact-flow/{}"
CONTACTS_ARN = f"arn:aws:connect:eu-west-2:123456789012:instance/{INSTANCE}/contact/*"
INSTANCE_ARN = f"arn:aws:connect:eu-west-2:123456789012:instance/{INSTANCE}"
QUEUE_ARN = INSTANCE_ARN + "/queue/{}"
HOURS_ARN = INSTANCE_ARN + "/operating-hours/{}"

Q1 = "0f8fad5b-d9cb-469f-a165-70867728950e"
Q2 = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
H1 = "3b241101-e2bb-4255-8caf-4136c566a962"
H2 = "9d2c5f0e-1f3a-4c6b-8e7d-2a1b0c9d8e7f"
PUSH_APP = "arn:aws:mobiletargeting:eu-west-2:123456789012:apps/0123456789abcdef0123456789abcdef"

AVAILABILITY_ACTIONS = {"connect:DescribeQueue", "connect:GetCurrentMetricData", "connect:GetEffectiveHoursOfOperations"}
PUSH_ACTIONS = {"connect:CreatePushNotificationRegistration", "connect:DeletePushNotificationRegistration"}


def connect_statements(stack):
    return [s for s in stack.role_statements() if any(a.lower().startswith("connect:") for a in actions_of(s))]


def start_chat_statements(stack):
    return [s for s in connect_statements(stack) if "connect:StartChatContact" in actions_of(s)]


def grants(stack):
    """Each action on the role -> every resource it is allowed on (all statements are Allow, checked below)."""
    granted = {}
    for statement in stack.role_statements():
        assert statement["Effect"] == "Allow" and "NotResource" not in statement and "NotAction" not in statement, statement
        assert "Condition" not in statement or actions_of(statement) == ["kms:Decrypt"], statement
        for action in actions_of(statement):
            granted.setdefault(action, set()).update(resources_of(statement))
    return granted


def availability(queues, hours, **overrides):
    return m.stack(AvailabilityQueues=queues, AvailabilityHoursOfOperationIds=hours, **overrides)


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
                granted = {r for s in start_chat_statements(stack) for r in resources_of(s)}
                self.assertEqual(granted, {FLOW_ARN.format(INSTANCE, f) for f in flows})

    def test_only_start_chat_contact_is_allowed_without_availability_and_push(self):
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
            stack = m.stack(
                AllowPersistentChat=persistent,
                AllowedContactFlowIds=f"{FLOW_B},{FLOW_C}",
                AvailabilityQueues=f"default={Q1}",
                AvailabilityHoursOfOperationIds=H1,
                PushApplicationArn=PUSH_APP,
            )
            uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
            for statement in connect_statements(stack):
                for arn in resources_of(statement):
                    self.assertNotEqual(arn, "*")
                    self.assertNotRegex(arn, r"instance/\*")
                    self.assertNotRegex(arn, r":instance/[^/]*\*")
                    self.assertNotRegex(arn, r"contact-flow/[^/]*\*")
                    self.assertNotRegex(arn, r"(queue|operating-hours)/[^/]*\*")
                    self.assertTrue(
                        arn in (CONTACTS_ARN, INSTANCE_ARN)
                        or re.fullmatch(rf"{re.escape(INSTANCE_ARN)}/(contact-flow|queue|operating-hours)/{uuid}", arn),
                        arn,
                    )

    def test_instance_arn_is_not_granted_to_start_chats(self):
        # The Service Authorization Reference lists contact-flow (required) and contact (optional) as the
        # resource types of StartChatContact; the bare instance ARN would add nothing but scope.
        stack = m.stack(AllowedContactFlowIds=FLOW_B, AvailabilityQueues=f"default={Q1}", AvailabilityHoursOfOperationIds=H1, PushApplicationArn=PUSH_APP)
        self.assertNotIn(INSTANCE_ARN, grants(stack)["connect:StartChatContact"])
        for statement in start_chat_statements(stack):
            self.assertEqual(actions_of(statement), ["connect:StartChatContact"])

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
        self.assertNotRegex(text, r"queue/\*")
        self.assertNotRegex(text, r"operating-hours/\*")
        self.assertNotRegex(text, r"connect:\*")
        self.assertNotRegex(text, r"connect:(Describe|Get|List|Create|Delete|Start)\*")
        for value in walk_strings(m.load_template()["Resources"]):
            if ":connect:" in value:
                self.assertRegex(
                    value,
                    r"instance/\$\{InstanceId\}(/(contact-flow/\$\{(ContactFlowId|FlowId)\}|contact/\*"
                    r"|queue/\$\{QueueId\}|operating-hours/\$\{HoursId\}))?$",
                )


class AvailabilityPermissions(unittest.TestCase):
    """Only with AvailabilityQueues: exactly the named queues, their hours, and the instance where it is required."""

    CASES = {
        "one queue": (f"default={Q1}", H1, {Q1}, {H1}),
        "two queues, one hours": (f"default={Q1},sales={Q2}", H1, {Q1, Q2}, {H1}),
        "two queues, two hours": (f"default={Q1},sales={Q2}", f"{H1},{H2}", {Q1, Q2}, {H1, H2}),
        "one queue behind two names": (f"default={Q1},sales={Q1}", H1, {Q1}, {H1}),
    }

    def test_each_action_is_granted_on_exactly_the_named_resources(self):
        for label, (queues, hours, queue_ids, hours_ids) in self.CASES.items():
            with self.subTest(label):
                granted = grants(availability(queues, hours, ContactFlowAliases=f"sales={FLOW}"))
                queue_arns = {QUEUE_ARN.format(q) for q in queue_ids}
                self.assertEqual(granted["connect:DescribeQueue"], queue_arns)
                # GetCurrentMetricData's resource type is the queue; the call is made on the instance.
                self.assertEqual(granted["connect:GetCurrentMetricData"], queue_arns | {INSTANCE_ARN})
                # The reference requires both the hours of operation and the instance.
                self.assertEqual(
                    granted["connect:GetEffectiveHoursOfOperations"], {HOURS_ARN.format(h) for h in hours_ids} | {INSTANCE_ARN}
                )

    def test_nothing_without_availability_queues(self):
        for overrides in ({}, {"PushApplicationArn": PUSH_APP}, {"AllowPersistentChat": "true", "AllowedContactFlowIds": FLOW_B}):
            with self.subTest(**overrides):
                stack = m.stack(**overrides)
                self.assertFalse(AVAILABILITY_ACTIONS & set(grants(stack)))
                self.assertFalse([n for n in stack.resources() if n.startswith("Availability")])
        self.assertEqual(m.load_template()["Parameters"]["AvailabilityQueues"]["Default"], "")

    def test_the_instance_arn_serves_only_the_actions_that_name_it(self):
        granted = grants(availability(f"default={Q1}", H1, PushApplicationArn=PUSH_APP))
        on_instance = {action for action, arns in granted.items() if INSTANCE_ARN in arns}
        self.assertEqual(
            on_instance, {"connect:GetCurrentMetricData", "connect:GetEffectiveHoursOfOperations"} | PUSH_ACTIONS
        )
        self.assertEqual(granted["connect:DescribeQueue"], {QUEUE_ARN.format(Q1)})

    def test_one_policy_per_queue_entry_and_per_hours(self):
        stack = availability(f"default={Q1},sales={Q2}", f"{H1},{H2}", ContactFlowAliases=f"sales={FLOW}")
        policies = stack.of_type("AWS::IAM::RolePolicy")
        names = {p["Properties"]["PolicyName"] for p in policies.values()}
        self.assertEqual(
            names,
            {f"availability-queue-default={Q1}", f"availability-queue-sales={Q2}", f"availability-hours-{H1}", f"availability-hours-{H2}"},
        )
        for policy in policies.values():
            self.assertEqual(policy["Properties"]["RoleName"], "<StartChatFunctionRole>")
            self.assertRegex(policy["Properties"]["PolicyName"], r"^[\w+=,.@-]{1,128}$")  # IAM's policy name syntax

    def test_hours_are_granted_only_together_with_queues(self):
        # CloudFormation refuses hours without queues (Rules); the grant itself also needs both.
        stack = m.stack(AvailabilityHoursOfOperationIds=H1)
        self.assertIn("AvailabilityHoursNeedQueues", stack.rule_failures())
        self.assertNotIn("connect:GetEffectiveHoursOfOperations", grants(stack))


class PushPermissions(unittest.TestCase):
    def test_both_actions_on_exactly_the_instance_when_push_is_on(self):
        granted = grants(m.stack(PushApplicationArn=PUSH_APP))
        for action in PUSH_ACTIONS:
            with self.subTest(action):
                self.assertEqual(granted[action], {INSTANCE_ARN})
        (statement,) = [s for s in connect_statements(m.stack(PushApplicationArn=PUSH_APP)) if PUSH_ACTIONS & set(actions_of(s))]
        self.assertEqual(set(actions_of(statement)), PUSH_ACTIONS)

    def test_nothing_when_push_is_off(self):
        self.assertEqual(m.load_template()["Parameters"]["PushApplicationArn"]["Default"], "")
        for overrides in ({}, {"AvailabilityQueues": f"default={Q1}", "AvailabilityHoursOfOperationIds": H1}):
            with self.subTest(**overrides):
                self.assertFalse(PUSH_ACTIONS & set(grants(m.stack(**overrides))))

    def test_no_other_mobile_or_messaging_permission(self):
        # Connect sends the notifications through the application with its own service role; the function
        # only names the application.
        granted = grants(m.stack(PushApplicationArn=PUSH_APP))
        self.assertFalse([a for a in granted if a.split(":")[0] in ("mobiletargeting", "sns", "pinpoint")])


class RoleSize(unittest.TestCase):
    def test_a_large_configuration_fits_iams_inline_policy_limit(self):
        # IAM caps a role's inline policies at 10,240 characters together (whitespace not counted). With
        # every option on: 10 allowed flows, 11 availability entries (default and 10 aliases), 4 hours.
        # docs/deploy.md states this capacity.
        flows = [f"{i:08x}-2222-4333-8444-555555555555" for i in range(10)]
        queues = [f"default={Q1}"] + [f"alias{i}={i:08x}-aaaa-4333-8444-555555555555" for i in range(10)]
        hours = [f"{i:08x}-bbbb-4333-8444-555555555555" for i in range(4)]
        stack = m.stack(
            AllowedContactFlowIds=",".join(flows),
            ContactFlowAliases=",".join(f"alias{i}={flows[i]}" for i in range(10)),
            AvailabilityQueues=",".join(queues),
            AvailabilityHoursOfOperationIds=",".join(hours),
            AllowPersistentChat="true",
            EnableTracing="true",
            PushApplicationArn=PUSH_APP,
            ExistingSecretArn="arn:aws:secretsmanager:eu-west-2:123456789012:secret:start-chat/production/keys-AbC123",
            SecretKmsKeyArn="arn:aws:kms:eu-west-2:123456789012:key/0f8fad5b-d9cb-469f-a165-70867728950e",
        )
        resources = stack.resources()
        documents = [p["PolicyDocument"] for p in resources["StartChatFunctionRole"]["Properties"]["Policies"]]
        documents += [r["Properties"]["PolicyDocument"] for r in resources.values() if r["Type"] == "AWS::IAM::RolePolicy"]
        self.assertEqual(len(documents), 8 + 10 + 11 + 4)
        # The log group's real ARN, for a 64-character stack name, instead of the placeholder.
        log_group = "arn:aws:logs:eu-west-2:123456789012:log-group:/aws/lambda/" + "s" * 64 + "-start-chat:*"
        size = sum(len(json.dumps(d, separators=(",", ":")).replace("<StartChatFunctionLogGroup.Arn>", log_group)) for d in documents)
        self.assertLess(size, 10240, size)


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

    def test_api_gateway_may_only_invoke_the_chat_routes(self):
        stack = m.stack(ApiType="both")
        permissions = stack.of_type("AWS::Lambda::Permission")
        source_arns = set()
        for perm in permissions.values():
            props = perm["Properties"]
            self.assertEqual(props["Action"], "lambda:InvokeFunction")
            self.assertEqual(props["Principal"], "apigateway.amazonaws.com")
            self.assertEqual(props["FunctionName"], "<StartChatFunction>")
            source_arns.add(props["SourceArn"])
        # Any stage and method; exactly /chat, the push-registrations collection and its items.
        self.assertEqual(
            source_arns,
            {
                f"arn:aws:execute-api:eu-west-2:123456789012:<{api}>/*/*/{path}"
                for api in ("HttpApi", "RestApi")
                for path in ("chat", "chat/push-registrations", "chat/push-registrations/*")
            },
        )
        self.assertEqual(len(permissions), 6)


if __name__ == "__main__":
    unittest.main()
