"""Run the real transforms offline: SAM CLI's AWS::LanguageExtensions expansion, then the SAM translator.

The linters validate the template as written; this catches what only shows up after the transforms
(for example a required property blanked in a resource whose condition is false), for every API
variant and with and without the optional parts.
"""

import copy
import itertools
import json
import logging
import os
import unittest

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
logging.disable(logging.WARNING)

from samcli.lib.cfn_language_extensions.sam_integration import expand_language_extensions  # noqa: E402
from samcli.yamlhelper import yaml_parse  # noqa: E402
from samtranslator.public.exceptions import InvalidDocumentException  # noqa: E402
from samtranslator.translator.transform import transform  # noqa: E402

import cfn_model as m  # noqa: E402

PSEUDO = {"AWS::Region": "eu-west-2", "AWS::AccountId": "123456789012", "AWS::Partition": "aws", "AWS::StackName": "chat"}
QUEUE_A = "0e3c1d9a-5b7f-4c2e-8a6d-9f1b2c3d4e5f"
QUEUE_B = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"
HOURS_A = "3b241101-e2bb-4255-8caf-4136c566a962"
AVAILABILITY_AND_PUSH = {
    "ContactFlowAliases": f"sales={m.FLOW_B}",
    "AllowedContactFlowIds": m.FLOW_B,
    "AvailabilityQueues": f"default={QUEUE_A},sales={QUEUE_B}",
    "AvailabilityHoursOfOperationIds": HOURS_A,
    "PushApplicationArn": "arn:aws:mobiletargeting:eu-west-2:123456789012:apps/0123456789abcdef0123456789abcdef",
}


class _NoManagedPolicies:
    """The template uses no managed policies; loading them would need IAM credentials."""

    def load(self):
        return {}


def translate(**overrides):
    params = {**m.REQUIRED, **overrides}
    source = yaml_parse(m.TEMPLATE_PATH.read_text())
    expanded = expand_language_extensions(source, {**params, **PSEUDO}, enabled=True).expanded_template
    # sam build replaces CodeUri with the built artefact; the translator wants an S3 location.
    expanded["Resources"]["StartChatFunction"]["Properties"]["CodeUri"] = "s3://artefacts/start-chat.zip"
    try:
        return transform(copy.deepcopy(expanded), params, _NoManagedPolicies())
    except InvalidDocumentException as error:  # pragma: no cover - the message is the point
        raise AssertionError(f"SAM transform failed for {overrides}: {[str(c) for c in error.causes]}") from error


class SamTransform(unittest.TestCase):
    def test_every_variant_transforms(self):
        matrix = itertools.product(
            [("http", "false"), ("rest", "false"), ("rest", "true"), ("both", "true")],
            ["", f"{m.FLOW_B},{m.FLOW_C}"],
            ["", "https://www.example.com,https://example.com", "*"],
        )
        for (api_type, waf), flows, origins in matrix:
            overrides = {"ApiType": api_type, "EnableWaf": waf, "AllowedContactFlowIds": flows, "AllowedOrigins": origins}
            with self.subTest(**overrides):
                resources = translate(**overrides)["Resources"]
                types = {r["Type"] for r in resources.values()}
                self.assertIn("AWS::Lambda::Function", types)
                # Both APIs are always translated; their Condition decides what CloudFormation creates.
                self.assertLessEqual({"AWS::ApiGatewayV2::Api", "AWS::ApiGateway::RestApi"}, types)
                self.assertEqual(resources["HttpApi"]["Condition"], "CreateHttpApi")
                self.assertEqual(resources["RestApi"]["Condition"], "CreateRestApi")
                policies = [n for n, r in resources.items() if r["Type"] == "AWS::IAM::RolePolicy"]
                # One per flow, or the single disabled one; one disabled each for availability's queues and hours.
                self.assertEqual(len(policies), (2 if flows else 1) + 2)

    def test_rest_stage_waits_for_the_account_log_role_this_stack_sets(self):
        def stage(**overrides):
            resources = translate(ApiType="rest", **overrides)["Resources"]
            (found,) = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::Stage"]
            return found["Properties"]

        tags = {t["Key"]: t["Value"] for t in stage(CreateApiGatewayLogRole="true")["Tags"]}
        self.assertEqual(tags["ApiGatewayAccountLogRole"], {"Ref": "ApiGatewayAccount"})
        tags = {t["Key"]: t["Value"] for t in stage()["Tags"]}
        self.assertEqual(tags["ApiGatewayAccountLogRole"], "not-managed-by-this-stack")

    def test_optional_parts_transform(self):
        cases = [
            {"ApiType": "rest", "CreateApiGatewayLogRole": "true"},
            {"ApiType": "both", "EnableWaf": "true", "AllowedOrigins": "https://www.example.com"},
            {"ExistingSecretArn": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:chat-AbC123"},
            {"SecretKmsKeyArn": "arn:aws:kms:eu-west-2:123456789012:key/0f8fad5b-d9cb-469f-a165-70867728950e"},
            {"SignedCustomers": "true", "AllowPersistentChat": "true", "JwtAudience": "start-chat"},
        ]
        for overrides in cases:
            with self.subTest(**overrides):
                resources = translate(**overrides)["Resources"]
                self.assertIn("AWS::Lambda::Function", {r["Type"] for r in resources.values()})

    def test_availability_and_push_transform_on_every_api_type(self):
        for api_type, waf in (("http", "false"), ("rest", "false"), ("both", "true")):
            with self.subTest(api_type=api_type, waf=waf):
                resources = translate(ApiType=api_type, EnableWaf=waf, AllowedOrigins="https://www.example.com", **AVAILABILITY_AND_PUSH)[
                    "Resources"
                ]
                policies = {n: r for n, r in resources.items() if r["Type"] == "AWS::IAM::RolePolicy"}
                queues = {n for n in policies if n.startswith("AvailabilityQueue")}
                self.assertEqual(len(queues), 2)
                granted = set()
                for name in queues:
                    self.assertEqual(policies[name]["Condition"], "AvailabilityOn")
                    (statement,) = policies[name]["Properties"]["PolicyDocument"]["Statement"]
                    granted.add(statement["Resource"])
                # The transform resolves each queue id out of its name=queueId entry: no Fn::Select is left.
                instance = f"arn:aws:connect:eu-west-2:123456789012:instance/{m.INSTANCE}"
                self.assertEqual(granted, {f"{instance}/queue/{QUEUE_A}", f"{instance}/queue/{QUEUE_B}"})
                (hours,) = [n for n in policies if n.startswith("AvailabilityHours")]
                self.assertEqual(policies[hours]["Condition"], "GrantAvailabilityHours")
                role = resources["StartChatFunctionRole"]["Properties"]["Policies"]
                self.assertIn("push-notification-registrations", json.dumps(role))
                self.assertIn("availability-on-the-instance", json.dumps(role))

    def test_translated_function_and_apis(self):
        origins = "https://www.example.com,https://example.com"
        resources = translate(ApiType="both", EnableWaf="true", AllowedOrigins=origins)["Resources"]
        function = resources["StartChatFunction"]["Properties"]
        self.assertEqual(function["Runtime"], "provided.al2023")
        self.assertEqual(function["Handler"], "bootstrap")
        self.assertEqual(function["LoggingConfig"]["LogFormat"], "JSON")
        self.assertEqual(function["Role"], {"Fn::GetAtt": ["StartChatFunctionRole", "Arn"]})
        # SAM did not generate a role of its own; the only other role is API Gateway's optional log role.
        roles = {n: r for n, r in resources.items() if r["Type"] == "AWS::IAM::Role"}
        self.assertEqual(set(roles), {"StartChatFunctionRole", "ApiGatewayCloudWatchRole"})
        self.assertEqual(roles["ApiGatewayCloudWatchRole"]["Condition"], "CreateApiGatewayAccountRole")
        # AWS::LanguageExtensions resolves Fn::If whose condition the parameters decide.
        self.assertEqual(function["Environment"]["Variables"]["SECRET_ARN"], {"Ref": "ServerSecret"})

        cors = resources["HttpApi"]["Properties"]["Body"]["x-amazon-apigateway-cors"]
        self.assertEqual(cors["allowOrigins"], origins.split(","))
        stage = resources["HttpApiApiGatewayDefaultStage"]["Properties"]
        self.assertEqual(stage["DefaultRouteSettings"], {"ThrottlingRateLimit": 5, "ThrottlingBurstLimit": 8})
        # Per-route limits reach the HTTP API's stage, keyed by the routes the imported body creates.
        self.assertEqual(
            stage["RouteSettings"],
            {
                "POST /chat": {"ThrottlingRateLimit": 5, "ThrottlingBurstLimit": 8},
                "GET /chat": {"ThrottlingRateLimit": 100, "ThrottlingBurstLimit": 200},
                "POST /chat/push-registrations": {"ThrottlingRateLimit": 2, "ThrottlingBurstLimit": 5},
                "DELETE /chat/push-registrations/{registrationId}": {"ThrottlingRateLimit": 2, "ThrottlingBurstLimit": 5},
            },
        )
        http_paths = resources["HttpApi"]["Properties"]["Body"]["paths"]
        for key in stage["RouteSettings"]:
            method, path = key.split(" ", 1)
            self.assertIn(method.lower(), http_paths[path])

        rest_stages = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::Stage"]
        self.assertEqual(len(rest_stages), 1)  # no stray "Stage" stage
        self.assertEqual(rest_stages[0]["Properties"]["StageName"], "prod")
        method_settings = {(s["HttpMethod"], s["ResourcePath"]): s for s in rest_stages[0]["Properties"]["MethodSettings"]}
        limits = {key: (s["ThrottlingRateLimit"], s["ThrottlingBurstLimit"]) for key, s in method_settings.items()}
        self.assertEqual(
            limits,
            {
                ("*", "/*"): (5, 8),
                ("POST", "/~1chat"): (5, 8),
                ("GET", "/~1chat"): (100, 200),
                ("POST", "/~1chat~1push-registrations"): (2, 5),
                ("DELETE", "/~1chat~1push-registrations~1{registrationId}"): (2, 5),
            },
        )
        # The access log setting and the gateway responses survive the transform.
        self.assertIn("Format", rest_stages[0]["Properties"]["AccessLogSetting"])
        body = resources["RestApi"]["Properties"]["Body"]
        self.assertIn("THROTTLED", body["x-amazon-apigateway-gateway-responses"])
        self.assertIn("WebAclAssociation", resources)


if __name__ == "__main__":
    unittest.main()
