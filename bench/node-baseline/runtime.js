'use strict';
// A minimal Lambda Runtime API client for the baseline, standing in for the managed Node.js runtime:
// load the handler (init), then loop: GET /next, call the handler, POST /response (or /error).

const http = require('node:http');

const [host, port] = (process.env.AWS_LAMBDA_RUNTIME_API || '').split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const RUNTIME = '/2018-06-01/runtime';

function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json' };
    const request = http.request({ host, port, method, path, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

function errorBody(error) {
  return JSON.stringify({ errorType: (error && error.name) || 'Error', errorMessage: String(error && error.message) });
}

async function main() {
  let handler;
  try {
    handler = require('./index.js').handler;
  } catch (error) {
    await call('POST', `${RUNTIME}/init/error`, errorBody(error));
    process.exit(1);
  }
  for (;;) {
    const next = await call('GET', `${RUNTIME}/invocation/next`);
    if (next.status !== 200) {
      process.exit(0);
    }
    const requestId = next.headers['lambda-runtime-aws-request-id'];
    const context = {
      awsRequestId: requestId,
      invokedFunctionArn: next.headers['lambda-runtime-invoked-function-arn'],
      deadlineMs: Number(next.headers['lambda-runtime-deadline-ms']),
    };
    try {
      const result = await handler(JSON.parse(next.body), context);
      await call('POST', `${RUNTIME}/invocation/${requestId}/response`, JSON.stringify(result));
    } catch (error) {
      await call('POST', `${RUNTIME}/invocation/${requestId}/error`, errorBody(error));
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
