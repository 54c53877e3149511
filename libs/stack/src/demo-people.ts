/** The demo organisation every `npm start` finds or creates. Its id is fixed so seeding is idempotent. */
export const DEMO_ORGANISATION = {
  id: '0d3e0c0d-e000-4000-8000-00000000d3e0',
  name: 'Confer Demo 演示公司',
  domain: 'demo.confer.example',
};

/** Every demo user signs in with this password (development only; printed by `npm start`). */
export const DEMO_PASSWORD = 'confer-demo-2025';

export interface DemoPerson {
  email: string;
  displayName: string;
  roles: string[];
}

const person = (local: string, displayName: string, roles: string[] = []): DemoPerson => ({
  email: `${local}@${DEMO_ORGANISATION.domain}`,
  displayName,
  roles,
});

/**
 * A dozen people with Chinese and English names, so directory search (hanzi,
 * pinyin, English) has something to find. The first is the organisation's
 * administrator; the next few are members of the demo group and discussion.
 */
export const DEMO_PEOPLE: DemoPerson[] = [
  person('wang.xiaoming', '王小明', ['org_admin']),
  person('li.hua', '李华'),
  person('alice.chen', 'Alice Chen'),
  person('zhang.wei', '张伟'),
  person('bob.smith', 'Bob Smith'),
  person('liu.yang', '刘洋'),
  person('carol.jones', 'Carol Jones'),
  person('chen.jing', '陈静'),
  person('david.wu', 'David Wu 吴大卫'),
  person('zhao.lei', '赵磊'),
  person('emma.brown', 'Emma Brown'),
  person('sun.li', '孙丽'),
];

export const DEMO_ADMIN = DEMO_PEOPLE[0];

/** The demo group chat and discussion, keyed so a second seeding returns the first ones. */
export const DEMO_GROUP = {
  idempotencyKey: 'demo-seed-group',
  title: '产品组 Product team',
  members: ['li.hua', 'alice.chen', 'zhang.wei', 'bob.smith'],
  messages: [
    { clientMessageId: '3f0e1c2a-0001-4000-8000-000000000001', text: '大家好！Welcome to Confer.' },
    {
      clientMessageId: '3f0e1c2a-0001-4000-8000-000000000002',
      text: '明天上午十点开周会 — weekly sync at 10:00 tomorrow.',
    },
  ],
};

export const DEMO_DISCUSSION = {
  idempotencyKey: 'demo-seed-discussion',
  topic: '发布计划 Release plan v1.0',
  members: ['alice.chen', 'chen.jing', 'david.wu'],
  messages: [
    {
      clientMessageId: '3f0e1c2a-0002-4000-8000-000000000001',
      text: '请大家确认各自的里程碑。Please confirm your milestones.',
    },
  ],
};
