"""Run the real transforms offline: SAM CLI's AWS::LanguageExtensions expansion, then the SAM translator.

The linters validate the template as written; this catches what only shows up after the transforms
(for example a required property blanked in a resource whose condition is false), for every API
variant and with and without the optional parts.
"""

import copy
import itertools
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
                self.assertEqual(len(policies), 2 if flows else 1)  # one per flow, or the single disabled one

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

        rest_stages = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::Stage"]
        self.assertEqual(len(rest_stages), 1)  # no stray "Stage" stage
        self.assertEqual(rest_stages[0]["Properties"]["StageName"], "prod")
        self.assertEqual(rest_stages[0]["Properties"]["MethodSettings"][0]["ThrottlingRateLimit"], 5)
        # The access log setting and the gateway responses survive the transform.
        self.assertIn("Format", rest_stages[0]["Properties"]["AccessLogSetting"])
        body = resources["RestApi"]["Properties"]["Body"]
        self.assertIn("THROTTLED", body["x-amazon-apigateway-gateway-responses"])
        self.assertIn("WebAclAssociation", resources)


if __name__ == "__main__":
    unittest.main()
