"""The secret that holds the server secret and the website's JWT signing keys (issue 10).

Key material never appears in the template's parameters, outputs or the function's environment: the
function gets the secret's ARN and its role may read exactly that secret (and decrypt with exactly its
customer managed key, through Secrets Manager, when there is one).
"""

import json
import re
import unittest

import cfn_model as m
from cfn_model import actions_of, resources_of

EXISTING = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/start-chat-AbC123"
KEY = "arn:aws:kms:eu-west-2:123456789012:key/0f8fad5b-d9cb-469f-a165-70867728950e"
CREATED = "<ServerSecret>"  # Ref of an AWS::SecretsManager::Secret is its ARN

MODES = {
    "created": ({}, CREATED),
    "created with a customer key": ({"SecretKmsKeyArn": KEY}, CREATED),
    "existing": ({"ExistingSecretArn": EXISTING}, EXISTING),
    "existing with a customer key": ({"ExistingSecretArn": EXISTING, "SecretKmsKeyArn": KEY}, EXISTING),
}


def statements_with(stack, prefix):
    return [s for s in stack.role_statements() if any(a.lower().startswith(prefix) for a in actions_of(s))]


def environment(stack):
    return stack.resources()["StartChatFunction"]["Properties"]["Environment"]["Variables"]


class TheSecret(unittest.TestCase):
    def test_created_unless_an_existing_one_is_named(self):
        self.assertIn("ServerSecret", m.stack().resources())
        self.assertNotIn("ServerSecret", m.stack(ExistingSecretArn=EXISTING).resources())

    def test_generated_value_is_the_documented_json_with_a_long_random_server_secret(self):
        secret = m.stack().resources()["ServerSecret"]
        generate = secret["Properties"]["GenerateSecretString"]
        # Changing any of this after a deployment makes CloudFormation regenerate the whole value, which
        # would erase the signing keys an operator put into the secret: keep it pinned.
        self.assertEqual(
            generate,
            {
                "SecretStringTemplate": '{"jwtSigningKeys": ""}',
                "GenerateStringKey": "serverSecret",
                "PasswordLength": 64,
                "ExcludePunctuation": True,
                "IncludeSpace": False,
            },
        )
        self.assertEqual(json.loads(generate["SecretStringTemplate"]), {"jwtSigningKeys": ""})
        self.assertNotIn("SecretString", secret["Properties"])

    def test_deleted_with_the_stack(self):
        secret = m.stack().resources()["ServerSecret"]
        self.assertEqual(secret["DeletionPolicy"], "Delete")
        self.assertEqual(secret["UpdateReplacePolicy"], "Delete")
        self.assertNotIn("Name", secret["Properties"])  # a generated name: a redeploy never collides with a deleted one

    def test_customer_key_encrypts_the_created_secret_when_given(self):
        self.assertNotIn("KmsKeyId", m.stack().resources()["ServerSecret"]["Properties"])
        self.assertEqual(m.stack(SecretKmsKeyArn=KEY).resources()["ServerSecret"]["Properties"]["KmsKeyId"], KEY)


class RolePolicy(unittest.TestCase):
    def test_role_reads_exactly_the_functions_secret(self):
        for label, (overrides, arn) in MODES.items():
            with self.subTest(label):
                (statement,) = statements_with(m.stack(**overrides), "secretsmanager:")
                self.assertEqual(statement["Effect"], "Allow")
                self.assertEqual(actions_of(statement), ["secretsmanager:GetSecretValue"])
                self.assertEqual(resources_of(statement), [arn])
                self.assertNotIn("NotResource", statement)
                self.assertNotIn("NotAction", statement)

    def test_no_wildcard_in_secret_or_key_grants(self):
        for label, (overrides, _) in MODES.items():
            with self.subTest(label):
                stack = m.stack(**overrides)
                for statement in statements_with(stack, "secretsmanager:") + statements_with(stack, "kms:"):
                    for action in actions_of(statement):
                        self.assertNotIn("*", action)
                    for arn in resources_of(statement):
                        self.assertNotIn("*", arn)
                        self.assertNotIn("?", arn)

    def test_kms_only_with_a_customer_key_and_only_through_secrets_manager_for_this_secret(self):
        for label, (overrides, arn) in MODES.items():
            with self.subTest(label):
                kms = statements_with(m.stack(**overrides), "kms:")
                if "SecretKmsKeyArn" not in overrides:
                    self.assertEqual(kms, [])
                    continue
                (statement,) = kms
                self.assertEqual(actions_of(statement), ["kms:Decrypt"])
                self.assertEqual(resources_of(statement), [KEY])
                self.assertEqual(
                    statement["Condition"],
                    {
                        "StringEquals": {
                            "kms:ViaService": "secretsmanager.eu-west-2.amazonaws.com",
                            "kms:EncryptionContext:SecretARN": arn,
                        }
                    },
                )


class NoKeyMaterialOutsideSecretsManager(unittest.TestCase):
    def test_function_gets_only_the_arn(self):
        for label, (overrides, arn) in MODES.items():
            with self.subTest(label):
                variables = environment(m.stack(**overrides))
                self.assertEqual(variables["SECRET_ARN"], arn)
                # The plain-environment variables are for local runs and tests only.
                self.assertNotIn("SERVER_SECRET", variables)
                self.assertNotIn("JWT_SIGNING_KEYS", variables)

    def test_environment_and_policy_name_the_same_secret(self):
        for label, (overrides, _) in MODES.items():
            with self.subTest(label):
                stack = m.stack(**overrides)
                (statement,) = statements_with(stack, "secretsmanager:")
                self.assertEqual(resources_of(statement), [environment(stack)["SECRET_ARN"]])

    def test_no_dynamic_reference_and_nothing_but_the_arn_of_the_secret_anywhere(self):
        # {{resolve:secretsmanager:...}} would copy the value into the function's configuration; the only
        # use of the created secret is its Ref (the ARN), never an attribute.
        def walk(value, path="template"):
            if isinstance(value, dict):
                if "Fn::GetAtt" in value:
                    target = value["Fn::GetAtt"]
                    target = target if isinstance(target, list) else target.split(".", 1)
                    self.assertNotEqual(target[0], "ServerSecret", path)
                for key, item in value.items():
                    walk(item, f"{path}.{key}")
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    walk(item, f"{path}[{index}]")
            elif isinstance(value, str):
                self.assertFalse("{{resolve:" in value, f"dynamic reference at {path}")
                self.assertFalse(re.search(r"\$\{ServerSecret\.", value), f"attribute of the secret at {path}")

        walk(m.load_template())

    def test_no_parameter_can_carry_key_material(self):
        params = m.load_template()["Parameters"]
        for name, spec in params.items():
            with self.subTest(name):
                self.assertNotIn("NoEcho", spec)  # nothing secret is ever asked for
                if re.search(r"secret|key|token|password|jwt", name, re.IGNORECASE) and name not in (
                    "AllowedAttributeKeys",
                    "AllowedSegmentAttributeKeys",
                    "ContinuationTokenTtlHours",
                    "JwtAudience",
                ):
                    # Only ARNs: their patterns cannot hold anything else.
                    self.assertIn(name, ("ExistingSecretArn", "SecretKmsKeyArn"))
                    self.assertTrue(spec["AllowedPattern"].startswith("^(arn:aws"), name)

    def test_outputs_name_the_secret_only_by_arn(self):
        for label, (overrides, arn) in MODES.items():
            with self.subTest(label):
                outputs = m.stack(**overrides).outputs()
                self.assertEqual(outputs["SecretArn"], arn)
        for name, spec in m.load_template()["Outputs"].items():
            with self.subTest(output=name):
                self.assertNotIn("SecretString", json.dumps(spec))


if __name__ == "__main__":
    unittest.main()
