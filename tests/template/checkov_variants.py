"""Write the template variants that `make checkov` scans.

checkov evaluates a template's Conditions with the parameters' defaults, so a single scan of template.yaml
never sees the REST API, WAF, an existing secret or a customer managed key. This writes one copy per
variant, with the variant's values as the defaults and Fn::ForEach expanded the way CloudFormation's
AWS::LanguageExtensions transform does (checkov does not expand it), so every resource the template can
create is scanned. The copies keep each resource's Metadata, so the inline checkov skips (and their
reasons) apply to them unchanged.

Usage: python checkov_variants.py OUTPUT_DIR   (run with the project venv, which has SAM CLI)
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
logging.disable(logging.WARNING)

from samcli.lib.cfn_language_extensions.sam_integration import expand_language_extensions  # noqa: E402
from samcli.yamlhelper import yaml_parse  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cfn_model as m  # noqa: E402

PSEUDO = {"AWS::Region": "eu-west-2", "AWS::AccountId": "123456789012", "AWS::Partition": "aws", "AWS::StackName": "chat"}
SECRET_ARN = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:chat/start-chat-AbCdEf"
KEY_ARN = "arn:aws:kms:eu-west-2:123456789012:key/0f8fad5b-d9cb-469f-a165-70867728950e"
PUSH_APP_ARN = "arn:aws:mobiletargeting:eu-west-2:123456789012:apps/0123456789abcdef0123456789abcdef"
QUEUE_A = "0e3c1d9a-5b7f-4c2e-8a6d-9f1b2c3d4e5f"
QUEUE_B = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"
HOURS_A = "3b241101-e2bb-4255-8caf-4136c566a962"
HOURS_B = "9d2c5f0e-1f3a-4c6b-8e7d-2a1b0c9d8e7f"

# Together these switch on every optional resource and every branch of every Fn::If that changes what a
# check sees (API types, WAF with each origin shape, persistent chat, tracing, signed customers, the
# secret's two sources, the KMS grant, the API Gateway account role, alarms with a topic, availability's
# per-queue and per-hours policies, push registration).
VARIANTS: dict[str, dict[str, str]] = {
    "defaults": {},
    "rest-waf-several-origins": {
        "ApiType": "both",
        "EnableWaf": "true",
        "AllowedOrigins": "https://www.example.com,https://example.com",
        "AllowedContactFlowIds": f"{m.FLOW_B},{m.FLOW_C}",
        "AllowPersistentChat": "true",
        "EnableTracing": "true",
        "SignedCustomers": "true",
        "CreateApiGatewayLogRole": "true",
        "AlarmTopicArn": "arn:aws:sns:eu-west-2:123456789012:oncall",
        "ContactFlowAliases": f"sales={m.FLOW_B},support={m.FLOW_C}",
        "AvailabilityQueues": f"default={QUEUE_A},sales={QUEUE_B},support={QUEUE_B}",
        "AvailabilityHoursOfOperationIds": f"{HOURS_A},{HOURS_B}",
        "PushApplicationArn": PUSH_APP_ARN,
        "RefuseStartWhen": "closed",
    },
    "http-availability-push": {
        "AllowedOrigins": "https://www.example.com",
        "AvailabilityQueues": f"default={QUEUE_A}",
        "AvailabilityHoursOfOperationIds": HOURS_A,
        "AvailabilityDetails": "true",
        "PushApplicationArn": PUSH_APP_ARN,
        "AllowIncrementalResponses": "true",
    },
    "rest-waf-one-origin-existing-secret": {
        "ApiType": "rest",
        "EnableWaf": "true",
        "AllowedOrigins": "https://www.example.com",
        "ExistingSecretArn": SECRET_ARN,
        "SecretKmsKeyArn": KEY_ARN,
        "ReservedConcurrency": "-1",
    },
    "rest-any-origin-created-secret-with-key": {
        "ApiType": "rest",
        "EnableWaf": "true",
        "AllowedOrigins": "*",
        "SecretKmsKeyArn": KEY_ARN,
        "EnableAlarms": "false",
    },
    "rest-without-waf-no-origin": {"ApiType": "rest"},
}


def variant(name: str) -> dict:
    values = {**m.REQUIRED, **VARIANTS[name]}
    template = yaml_parse(m.TEMPLATE_PATH.read_text())
    for parameter, value in values.items():
        assert parameter in template["Parameters"], f"{name}: unknown parameter {parameter}"
        template["Parameters"][parameter]["Default"] = value
    expanded = expand_language_extensions(template, {**values, **PSEUDO}, enabled=True).expanded_template
    # checkov drops a resource whose condition refers to another condition ({"Condition": ...} inside
    # Fn::And), so each condition becomes its value for this variant, as CloudFormation would decide it.
    stack = m.Stack(m.load_template(), values)
    expanded["Conditions"] = {
        name: {"Fn::Equals": ["true", "true" if stack.condition(name) else "false"]} for name in expanded["Conditions"]
    }
    expanded["Description"] = f"{expanded.get('Description', '')} [checkov variant: {name}]"
    return expanded


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.json"):
        stale.unlink()
    for name in VARIANTS:
        (out / f"{name}.json").write_text(json.dumps(variant(name), indent=1))
        print(f"wrote {out / name}.json")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
