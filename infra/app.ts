// CDK entry point (cdk.json: `npx tsx infra/app.ts`). Options come from context, e.g.
// `npm run deploy -- -c stage=prod -c alarmEmail=ops@example.com`; see docs/deploy.md.
import { App } from 'aws-cdk-lib';
import { buildPushGetApp } from './push-get-app';

buildPushGetApp(new App());
