/** The pure half of the tools' target resolution (lib/store/target.ts): which region, profile and table a command uses. */
import { describe, expect, it } from 'vitest';
import { LOCAL_ENGINE_ACCESS } from '../../lib/store/client';
import { describeTarget, missingTableMessage, planTarget, TargetError } from '../../lib/store/target';

const BUSY_ENV = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'ap-south-1', AWS_PROFILE: 'prod', TABLE_NAME: 'from-env' };

describe('planTarget with --endpoint', () => {
  it('uses the fixed local region whatever AWS_REGION, AWS_DEFAULT_REGION and AWS_PROFILE say', () => {
    const plan = planTarget({ endpoint: 'http://127.0.0.1:8000', table: 't' }, BUSY_ENV);
    expect(plan).toEqual({ tableName: 't', endpoint: 'http://127.0.0.1:8000', region: LOCAL_ENGINE_ACCESS.region });
    expect(planTarget({ endpoint: 'http://127.0.0.1:8000', table: 't' }, {})).toEqual(plan);
  });

  it('refuses --region or --profile with it, naming both', () => {
    expect(() => planTarget({ endpoint: 'http://localhost:8000', region: 'us-east-1' }, {})).toThrow(/--region chooses an AWS account/);
    expect(() => planTarget({ endpoint: 'http://localhost:8000', region: 'us-east-1', profile: 'p' }, {})).toThrow(/--region and --profile choose an AWS account/);
  });

  it('refuses an endpoint that is not an http(s) URL', () => {
    expect(() => planTarget({ endpoint: 'localhost:8000' }, {})).toThrow(TargetError);
    expect(() => planTarget({ endpoint: 'localhost:8000' }, {})).toThrow('--endpoint must be an http(s) URL, got "localhost:8000"');
  });
});

describe('planTarget without --endpoint: like the AWS CLI', () => {
  it('--region over AWS_REGION over AWS_DEFAULT_REGION', () => {
    expect(planTarget({ region: 'us-west-2' }, BUSY_ENV).region).toBe('us-west-2');
    expect(planTarget({}, BUSY_ENV).region).toBe('eu-west-1');
    expect(planTarget({}, { AWS_DEFAULT_REGION: 'ap-south-1' }).region).toBe('ap-south-1');
  });

  it('no region set anywhere: left to the profile (no hidden us-east-1)', () => {
    expect(planTarget({}, {}).region).toBeUndefined();
    expect(planTarget({}, { AWS_REGION: '' }).region).toBeUndefined();
  });

  it('--profile over AWS_PROFILE', () => {
    expect(planTarget({ profile: 'ops' }, BUSY_ENV).profile).toBe('ops');
    expect(planTarget({}, BUSY_ENV).profile).toBe('prod');
    expect(planTarget({}, {}).profile).toBeUndefined();
  });
});

describe('the table', () => {
  it('--table over TABLE_NAME over the default', () => {
    expect(planTarget({ table: 'given' }, BUSY_ENV).tableName).toBe('given');
    expect(planTarget({}, BUSY_ENV).tableName).toBe('from-env');
    expect(planTarget({}, {}).tableName).toBe('rocketchat-push');
  });
});

describe('messages', () => {
  it('where: the endpoint, or the AWS region', () => {
    expect(describeTarget('T', 'http://127.0.0.1:8000', 'local')).toBe('table T at http://127.0.0.1:8000');
    expect(describeTarget('T', undefined, 'eu-west-1')).toBe('table T in AWS region eu-west-1');
  });

  it('a missing table: one line naming the table, where, and the command that creates it', () => {
    const local = missingTableMessage('typo', 'http://127.0.0.1:8000', 'local');
    expect(local).not.toContain('\n');
    expect(local).toMatch(/^table typo not found at http:\/\/127\.0\.0\.1:8000/);
    expect(local).toContain('npm run import -- <export-dir> --endpoint http://127.0.0.1:8000 --table typo');
    expect(local).toContain('npm start -- --endpoint http://127.0.0.1:8000 --table typo --fixtures <export-dir>');
    const aws = missingTableMessage('typo', undefined, 'eu-west-1');
    expect(aws).not.toContain('\n');
    expect(aws).toMatch(/^table typo not found in AWS region eu-west-1: `npm run deploy` creates it/);
  });
});
