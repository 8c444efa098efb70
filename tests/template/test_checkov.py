"""What `make checkov` relies on: skips that carry their reason, and variants that reach every branch.

checkov itself runs in its own venv (`make checkov`, part of `make lint-template`); these tests keep its
inputs honest without it.
"""

import re
import unittest

import cfn_model as m
import checkov_variants

# Every skip is a decision someone reviewed; a new one must be added here, with its reason in the template.
SKIPS = {
    "StartChatFunctionLogGroup": {"CKV_AWS_158"},
    "HttpApiAccessLogGroup": {"CKV_AWS_158"},
    "RestApiAccessLogGroup": {"CKV_AWS_158"},
    "WafLogGroup": {"CKV_AWS_158"},
    "ServerSecret": {"CKV_AWS_149"},
    "StartChatFunction": {"CKV_AWS_115", "CKV_AWS_116", "CKV_AWS_117", "CKV_AWS_173"},
    "RestApi": {"CKV_AWS_73", "CKV_AWS_120"},
    "WebAcl": {"CKV_AWS_192"},
}


def skips():
    found = {}
    for name, resource in m.load_template()["Resources"].items():
        if name.startswith("Fn::ForEach::"):
            continue
        entries = resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
        if entries:
            found[name] = entries
    return found


class Skips(unittest.TestCase):
    def test_skips_are_exactly_the_reviewed_ones(self):
        self.assertEqual({name: {e["id"] for e in entries} for name, entries in skips().items()}, SKIPS)

    def test_every_skip_gives_its_reason(self):
        for name, entries in skips().items():
            for entry in entries:
                with self.subTest(resource=name, check=entry.get("id")):
                    self.assertEqual(set(entry), {"id", "comment"})
                    self.assertRegex(entry["id"], r"^CKV2?_AWS_[0-9]+$")
                    self.assertGreaterEqual(len(entry["comment"]), 80, "say why the check does not apply")

    def test_no_comment_style_skips(self):
        # One way to skip, so the list above is complete.
        self.assertNotRegex(m.TEMPLATE_PATH.read_text(), r"checkov:skip")


class Variants(unittest.TestCase):
    def test_variants_take_every_condition_both_ways(self):
        conditions = m.load_template()["Conditions"]
        seen = {name: set() for name in conditions}
        for values in checkov_variants.VARIANTS.values():
            stack = m.Stack(m.load_template(), {**m.REQUIRED, **values})
            for name in conditions:
                seen[name].add(stack.condition(name))
        self.assertEqual({name for name, values in seen.items() if values != {True, False}}, set())

    def test_variant_copies_keep_the_skips(self):
        expanded = checkov_variants.variant("rest-waf-several-origins")
        for name, ids in SKIPS.items():
            with self.subTest(name):
                entries = expanded["Resources"][name]["Metadata"]["checkov"]["skip"]
                self.assertEqual({e["id"] for e in entries}, ids)

    def test_variants_scan_the_availability_and_push_policies(self):
        # checkov sees every per-queue and per-hours policy and the push grant, as CloudFormation would
        # create them, on both kinds of API.
        for name, api_types in (("rest-waf-several-origins", {"AWS::Serverless::HttpApi", "AWS::Serverless::Api"}),
                                ("http-availability-push", {"AWS::Serverless::HttpApi"})):
            with self.subTest(name):
                values = checkov_variants.VARIANTS[name]
                expanded = checkov_variants.variant(name)
                policies = {k for k, r in expanded["Resources"].items() if r.get("Type") == "AWS::IAM::RolePolicy"}
                entries = values["AvailabilityQueues"].split(",")
                hours = values["AvailabilityHoursOfOperationIds"].split(",")
                self.assertEqual(len([p for p in policies if p.startswith("AvailabilityQueue")]), len(entries))
                self.assertEqual(len([p for p in policies if p.startswith("AvailabilityHours")]), len(hours))
                self.assertEqual(expanded["Conditions"]["AvailabilityOn"], {"Fn::Equals": ["true", "true"]})
                self.assertEqual(expanded["Conditions"]["PushOn"], {"Fn::Equals": ["true", "true"]})
                types = {r.get("Type") for r in expanded["Resources"].values()}
                self.assertLessEqual(api_types, types)

    def test_variant_conditions_are_constants_checkov_can_read(self):
        expanded = checkov_variants.variant("rest-waf-one-origin-existing-secret")
        for name, condition in expanded["Conditions"].items():
            with self.subTest(name):
                (left, right) = condition["Fn::Equals"]
                self.assertEqual(left, "true")
                self.assertIn(right, ("true", "false"))
        self.assertEqual(expanded["Conditions"]["CreateSecret"], {"Fn::Equals": ["true", "false"]})
        self.assertEqual(expanded["Parameters"]["ExistingSecretArn"]["Default"], checkov_variants.SECRET_ARN)
        self.assertTrue(re.search(r"checkov variant", expanded["Description"]))


if __name__ == "__main__":
    unittest.main()
