"""Alarms, the metric filters behind API Gateway's throttling alarms, and their runbook entries."""

import re
import unittest

import cfn_model as m

FUNCTION = [{"Name": "FunctionName", "Value": "<StartChatFunction>"}]
RUNBOOK = m.ROOT / "docs" / "runbook.md"
TOPIC = "arn:aws:sns:eu-west-2:123456789012:oncall"


def alarms(**overrides):
    return m.stack(**overrides).of_type("AWS::CloudWatch::Alarm")


def by_metric(found):
    return {(a["Properties"]["Namespace"], a["Properties"]["MetricName"]): a for a in found.values()}


def github_anchor(heading):
    """The anchor GitHub gives a Markdown heading."""
    return re.sub(r"[^a-z0-9 _-]", "", heading.strip().lower()).replace(" ", "-")


class AlarmSet(unittest.TestCase):
    def test_default_alarm_set(self):
        found = by_metric(alarms(MetricsNamespace="Chat/Prod"))
        self.assertEqual(
            set(found),
            {
                ("AWS/Lambda", "Errors"),
                ("AWS/Lambda", "Throttles"),
                ("Chat/Prod", "ConnectThrottled"),
                ("Chat/Prod", "ConnectChatLimit"),
                ("Chat/Prod", "ConnectFailed"),
                ("Chat/Prod", "ConnectRejected"),
                ("Chat/Prod", "ApiThrottled"),
            },
        )
        for key, alarm in found.items():
            with self.subTest(key):
                expected = [{"Name": "ApiId", "Value": "<HttpApi>"}] if key[1] == "ApiThrottled" else FUNCTION
                self.assertEqual(alarm["Properties"]["Dimensions"], expected)

    def test_refused_auth_alarm_only_with_signed_customers(self):
        self.assertNotIn("RefusedAuthAlarm", alarms())
        alarm = alarms(SignedCustomers="true", RefusedAuthAlarmThreshold="50")["RefusedAuthAlarm"]["Properties"]
        self.assertEqual((alarm["MetricName"], alarm["Threshold"], alarm["Dimensions"]), ("RefusedAuth", "50", FUNCTION))
        self.assertNotIn("RefusedAuthAlarm", alarms(SignedCustomers="true", EnableAlarms="false"))

    def test_api_throttled_alarm_per_api(self):
        for api_type, expected in {"http": {"HttpApiThrottledAlarm"}, "rest": {"RestApiThrottledAlarm"}, "both": {"HttpApiThrottledAlarm", "RestApiThrottledAlarm"}}.items():
            with self.subTest(api_type):
                found = {n for n, a in alarms(ApiType=api_type).items() if a["Properties"]["MetricName"] == "ApiThrottled"}
                self.assertEqual(found, expected)

    def test_emf_alarms_use_the_namespace_parameter_and_connect_threshold(self):
        raw = m.load_template()["Resources"]
        for name in ("ConnectThrottledAlarm", "ConnectChatLimitAlarm", "ConnectFailedAlarm", "ConnectRejectedAlarm"):
            with self.subTest(name):
                self.assertEqual(raw[name]["Properties"]["Namespace"], {"Ref": "MetricsNamespace"})
                self.assertEqual(raw[name]["Properties"]["Threshold"], {"Ref": "ConnectAlarmThreshold"})
        self.assertEqual(raw["RefusedAuthAlarm"]["Properties"]["Namespace"], {"Ref": "MetricsNamespace"})

    def test_every_alarm_sums_five_minutes_and_ignores_missing_data(self):
        for name, alarm in alarms(ApiType="both", SignedCustomers="true").items():
            with self.subTest(name):
                props = alarm["Properties"]
                self.assertEqual((props["Statistic"], props["Period"], props["EvaluationPeriods"]), ("Sum", 300, 1))
                self.assertEqual(props["ComparisonOperator"], "GreaterThanOrEqualToThreshold")
                # The function writes metric lines only when requests come: no data is not an outage.
                self.assertEqual(props["TreatMissingData"], "notBreaching")

    def test_alarms_switch_and_topic(self):
        self.assertEqual(alarms(EnableAlarms="false", ApiType="both", SignedCustomers="true"), {})
        for alarm in alarms(AlarmTopicArn=TOPIC, ApiType="both", SignedCustomers="true").values():
            self.assertEqual(alarm["Properties"]["AlarmActions"], [TOPIC])
            self.assertEqual(alarm["Properties"]["OKActions"], [TOPIC])
        for alarm in alarms().values():
            self.assertNotIn("AlarmActions", alarm["Properties"])


class ApiThrottledMetric(unittest.TestCase):
    def filters(self, **overrides):
        return m.stack(**overrides).of_type("AWS::Logs::MetricFilter")

    def test_http_api_counts_429s_api_gateway_made_itself(self):
        (props,) = [f["Properties"] for f in self.filters().values()]
        self.assertEqual(props["LogGroupName"], "<HttpApiAccessLogGroup>")
        self.assertEqual(props["FilterPattern"], '{ ($.status = "429") && ($.integrationStatus = "-") }')
        self.check_transformation(props)

    def test_rest_api_counts_the_throttled_gateway_response_only(self):
        (props,) = [f["Properties"] for f in self.filters(ApiType="rest", EnableWaf="true").values()]
        self.assertEqual(props["LogGroupName"], "<RestApiAccessLogGroup>")
        # Not WAF's per-IP 429s: those are abuse, not a lack of capacity.
        self.assertEqual(props["FilterPattern"], '{ $.errorType = "THROTTLED" }')
        self.check_transformation(props)

    def check_transformation(self, props):
        (transformation,) = props["MetricTransformations"]
        self.assertEqual(transformation["MetricNamespace"], "StartChat")
        self.assertEqual(transformation["MetricName"], "ApiThrottled")
        self.assertEqual(transformation["MetricValue"], "1")
        self.assertEqual(transformation["Dimensions"], [{"Key": "ApiId", "Value": "$.apiId"}])

    def test_the_fields_the_filters_read_are_in_the_access_logs(self):
        resources = m.stack(ApiType="both").resources()
        http_format = resources["HttpApi"]["Properties"]["AccessLogSettings"]["Format"]
        rest_format = resources["RestApi"]["Properties"]["AccessLogSetting"]["Format"]
        for field in ('"status":"$context.status"', '"integrationStatus":"$context.integrationStatus"', '"apiId":"$context.apiId"'):
            self.assertIn(field, http_format)
        for field in ('"errorType":"$context.error.responseType"', '"apiId":"$context.apiId"'):
            self.assertIn(field, rest_format)

    def test_no_filters_without_alarms(self):
        self.assertEqual(self.filters(EnableAlarms="false", ApiType="both"), {})


class Runbook(unittest.TestCase):
    def test_every_alarm_links_to_its_runbook_entry(self):
        anchors = {github_anchor(h) for h in re.findall(r"^#{2,4} (.+)$", RUNBOOK.read_text(), re.MULTILINE)}
        found = alarms(ApiType="both", SignedCustomers="true")
        raw = {n for n, r in m.load_template()["Resources"].items() if isinstance(r, dict) and r["Type"] == "AWS::CloudWatch::Alarm"}
        self.assertEqual(set(found), raw)  # this parameter set creates every alarm the template has
        for name, alarm in found.items():
            with self.subTest(name):
                links = re.findall(r"docs/runbook\.md#([a-z0-9-]+)", alarm["Properties"]["AlarmDescription"])
                self.assertEqual(len(links), 1, alarm["Properties"]["AlarmDescription"])
                self.assertIn(links[0], anchors)


if __name__ == "__main__":
    unittest.main()
