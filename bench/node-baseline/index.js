'use strict';
// The baseline the Rust function is measured against: the AWS reference StartChatContact Lambda
// (amazon-connect-chat-ui-examples, cloudformationTemplates/startChatContactAPI), written for Node.js 20
// with the AWS SDK for JavaScript v3. Like the sample it creates the ConnectClient at module load,
// parses the body, calls StartChatContact and answers {data: {startChatResult}} with status 200. It
// passes the widget's fields through unchecked, as the sample does (the Rust function validates them).
//
// Differences from the sample, all in its favour: one short log line per request instead of logging
// the event and the response (which would also leak tokens and personal data), and the region from
// Lambda's AWS_REGION. The endpoint comes from AWS_ENDPOINT_URL_CONNECT, which SDK v3 honours.

const { ConnectClient, StartChatContactCommand } = require('@aws-sdk/client-connect');

const client = new ConnectClient({ region: process.env.AWS_REGION });
const parentOrigin = process.env.PARENT_ORIGIN || '*';

// Optional members of StartChatContact that the widget may send, passed through as they are.
const OPTIONAL_MEMBERS = [
  'Attributes',
  'InitialMessage',
  'SupportedMessagingContentTypes',
  'ChatDurationInMinutes',
  'ClientToken',
  'RelatedContactId',
  'PersistentChat',
  'CustomerId',
  'SegmentAttributes',
  'DisconnectOnCustomerExit',
  'ConnectionTypes',
];

function response(statusCode, body) {
  return {
    statusCode,
    headers: {
      'Access-Control-Allow-Origin': parentOrigin,
      'Content-Type': 'application/json',
      'Access-Control-Allow-Credentials': true,
      'Access-Control-Allow-Headers':
        'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-User-Agent',
    },
    body: JSON.stringify(body),
  };
}

exports.handler = async (event, context) => {
  const body = JSON.parse(event.body);
  const input = {
    InstanceId: body.InstanceId || process.env.INSTANCE_ID,
    ContactFlowId: body.ContactFlowId || process.env.CONTACT_FLOW_ID,
    ParticipantDetails: { DisplayName: body.ParticipantDetails.DisplayName },
  };
  for (const member of OPTIONAL_MEMBERS) {
    if (body[member] !== undefined && body[member] !== null) {
      input[member] = body[member];
    }
  }
  try {
    const { $metadata, ...startChatResult } = await client.send(new StartChatContactCommand(input));
    console.log(JSON.stringify({ level: 'INFO', requestId: context.awsRequestId, status: 200 }));
    return response(200, { data: { startChatResult } });
  } catch (error) {
    console.log(JSON.stringify({ level: 'ERROR', requestId: context.awsRequestId, error: error.name }));
    return response(500, { data: { Error: error.name } });
  }
};
