// torch.vision.models' weights enums, registry and checkpoint cache against torchvision
// (scripts/fixtures/vision_weights.py). Downloads go to a local HTTP server in a child process
// (there is no internet here, and a builder's download blocks this process).
import { spawn, type ChildProcess } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { expectError, fixture } from './helpers';

const { models } = torch.vision;
const generated = path.join(__dirname, 'fixtures', 'generated');

interface Member {
  url: string;
  meta: Record<string, unknown>;
  transforms: string;
  describe: string;
}
const data = fixture<{
  builders: Record<string, { enum: string; members: [string, string][]; values: Record<string, Member> }>;
  categories: string[];
  patterns: Record<string, string[]>;
  errors: Record<string, string>;
}>('vision_weights.json');

const ours = new Set(models.listModels());

/** meta as the fixture writes it: NaN as "NaN", the shared category list by name. */
function plainMeta(meta: Record<string, unknown>): Record<string, unknown> {
  const replace = (v: unknown): unknown => {
    if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
    if (v === models._IMAGENET_CATEGORIES) return '_IMAGENET_CATEGORIES';
    if (Array.isArray(v)) return v.map(replace);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
    return v;
  };
  return replace(meta) as Record<string, unknown>;
}

describe('weights enums', () => {
  test('every builder here is a torchvision classification builder', () => {
    expect([...ours].filter((name) => !(name in data.builders))).toEqual([]);
    expect(ours.size).toBeGreaterThan(0);
  });

  test('the ImageNet categories are torchvision\'s', () => {
    expect([...models._IMAGENET_CATEGORIES]).toEqual(data.categories);
  });

  test.each([...ours])('%s: its enum, members, urls, meta and transforms', (name) => {
    const expected = data.builders[name]!;
    const enumClass = models.getModelWeights(name);
    expect(enumClass.name).toBe(expected.enum);
    expect(models.getModelWeights(models.getModelBuilder(name))).toBe(enumClass);
    expect([...enumClass.members()].map(([k, v]) => [k, v.name])).toEqual(expected.members);
    const members = [...enumClass];
    expect(members.map((m) => m.name)).toEqual(Object.keys(expected.values));
    for (const member of members) {
      const e = expected.values[member.name]!;
      expect(String(member)).toBe(`${expected.enum}.${member.name}`);
      expect(models.getWeight(`${expected.enum}.${member.name}`)).toBe(member);
      expect(member.url).toBe(e.url);
      expect(plainMeta(member.meta)).toEqual(e.meta);
      const t = member.transforms();
      expect(String(t)).toBe(e.transforms);
      expect(t.describe()).toBe(e.describe);
    }
  });

  test('verify takes a member, its name, the enum-qualified name or null', () => {
    const W = models.ResNet50_Weights;
    expect(W.verify(W.IMAGENET1K_V1)).toBe(W.IMAGENET1K_V1);
    expect(W.verify('DEFAULT')).toBe(W.IMAGENET1K_V2);
    expect(W.verify('ResNet50_Weights.IMAGENET1K_V1')).toBe(W.IMAGENET1K_V1);
    expect(W.verify(null)).toBe(null);
    expect(W.DEFAULT).toBe(W.IMAGENET1K_V2);
    expect(W.DEFAULT.name).toBe('IMAGENET1K_V2');
  });

  test("the registry's errors are torchvision's", () => {
    expectError(() => models.getWeight('resnet18'), data.errors.get_weight_bad_name, 'RangeError');
    expectError(() => models.getWeight('ResNet17_Weights.DEFAULT'), data.errors.get_weight_bad_enum, 'RangeError');
    expectError(() => models.getModel('ResNet17'), data.errors.get_model_unknown, 'RangeError');
    expectError(() => models.ResNet18_Weights.verify(models.ResNet50_Weights.DEFAULT), data.errors.verify_wrong_class, 'TypeError');
    expectError(() => models.ResNet18_Weights.verify('IMAGENET1K_V9'), data.errors.verify_unknown_member, 'RangeError');
    expectError(() => models.squeezenet1_1({ weights: 'DEFAULT', numClasses: 10 }), data.errors.num_classes_conflict, 'RangeError');
    expectError(() => models.resnet18({ numClass: 10 } as never), "ResNet.__init__() got an unexpected keyword argument 'numClass'", 'TypeError');
  });

  test.each(Object.entries(data.patterns))('listModels %s', (pattern, expected) => {
    const [include, exclude] = pattern.split('|!');
    expect(models.listModels({ include: include!, exclude })).toEqual(expected.filter((m) => ours.has(m)));
  });
});

describe('ImageClassification', () => {
  const io = torch.load(path.join(generated, 'vision_weights_presets.pth')) as Map<string, torch.Tensor>;
  test.each(['square', 'wide', 'tall', 'small', 'batch'])("%s uint8 image: equal to torchvision's preset", (name) => {
    const weights = name === 'tall' ? models.ResNet50_Weights.IMAGENET1K_V2 : models.AlexNet_Weights.DEFAULT;
    const out = weights.transforms().call(io.get(`${name}_in`)!);
    const expected = io.get(`${name}_out`)!;
    expect(out.shape).toEqual(expected.shape);
    expect(out.dtype).toBe(torch.float32);
    expect(out.sub(expected).abs().max().item()).toBeLessThan(1e-5);
  });
});

describe('checkpoint cache', () => {
  let home: string;
  const saved = { TORCH_HOME: process.env.TORCH_HOME, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-vision-'));
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(home, { recursive: true, force: true });
  });

  test('getDir honours TORCH_HOME, then XDG_CACHE_HOME, then ~/.cache', () => {
    process.env.TORCH_HOME = path.join(home, 'th');
    expect(models.getDir()).toBe(path.join(home, 'th', 'hub'));
    delete process.env.TORCH_HOME;
    process.env.XDG_CACHE_HOME = path.join(home, 'xdg');
    expect(models.getDir()).toBe(path.join(home, 'xdg', 'torch', 'hub'));
    delete process.env.XDG_CACHE_HOME;
    expect(models.getDir()).toBe(path.join(os.homedir(), '.cache', 'torch', 'hub'));
  });

  test('a builder loads weights from $TORCH_HOME/hub/checkpoints under torchvision\'s file name', () => {
    process.env.TORCH_HOME = home;
    const dir = path.join(home, 'hub', 'checkpoints');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(generated, 'vision_squeezenet1_1_state.pth'), path.join(dir, 'squeezenet1_1-b8a52dc0.pth'));
    const io = torch.load(path.join(generated, 'vision_squeezenet1_1_io.pth')) as Map<string, torch.Tensor>;
    for (const weights of ['DEFAULT', 'SqueezeNet1_1_Weights.IMAGENET1K_V1', models.SqueezeNet1_1_Weights.IMAGENET1K_V1]) {
      const model = models.getModel('squeezenet1_1', { weights }).eval();
      const y = torch.noGrad(() => model.call(io.get('input')!));
      expect(torch.allclose(y, io.get('output')!, { rtol: 1e-4, atol: 1e-5 })).toBe(true);
      model.dispose();
    }
  });

  describe('downloads', () => {
    let server: ChildProcess;
    let base: string;
    const payload = fs.readFileSync(path.join(generated, 'vision_densenet_old_keys.pth'));
    const digest = createHash('sha256').update(payload).digest('hex');
    beforeAll(async () => {
      const file = path.join(os.tmpdir(), `torchnode-vision-payload-${process.pid}.pth`);
      fs.writeFileSync(file, payload);
      // Any /files/... path serves the payload; /moved/x redirects to /files/x; anything else is a 404.
      const code = `
        const fs = require('fs');
        const body = fs.readFileSync(${JSON.stringify(file)});
        const server = require('http').createServer((req, res) => {
          if (req.url.startsWith('/files/')) { res.writeHead(200, { 'Content-Length': body.length }); res.end(body); }
          else if (req.url.startsWith('/moved/')) { res.writeHead(302, { Location: '/files/' + req.url.slice(7) }); res.end(); }
          else { res.writeHead(404, 'Not Found'); res.end(); }
        });
        server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
      server = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
      const port = await new Promise<string>((resolve) => server.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
      base = `http://127.0.0.1:${port}`;
      fs.rmSync(file);
    });
    afterAll(() => {
      server.kill();
    });
    const quiet = (fn: () => unknown): string => {
      const lines: string[] = [];
      const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
        lines.push(String(s));
        return true;
      });
      try {
        fn();
      } finally {
        spy.mockRestore();
      }
      return lines.join('');
    };

    test('downloaded through redirects, hash checked, cached, then loaded without the network', () => {
      const url = `${base}/moved/weights-${digest.slice(0, 8)}.pth`;
      const cached = path.join(home, `weights-${digest.slice(0, 8)}.pth`);
      let sd: Map<string, unknown> | undefined;
      const said = quiet(() => (sd = models.loadStateDictFromUrl(url, { modelDir: home, checkHash: true, progress: false })));
      expect(said).toBe(`Downloading: "${url}" to ${cached}\n`);
      expect(fs.readFileSync(cached).equals(payload)).toBe(true);
      expect(fs.readdirSync(home)).toEqual([path.basename(cached)]);
      expect([...(sd!.get('state_dict') as Map<string, unknown>).keys()]).toContain('features.conv0.weight');
      const again = models.loadStateDictFromUrl(`${base}/gone/weights-${digest.slice(0, 8)}.pth`, { modelDir: home, checkHash: true });
      expect((again.get('output') as torch.Tensor).shape).toEqual([2, 5]);
    });

    test('a file whose SHA-256 does not start with the name\'s hash is refused and not kept', () => {
      const url = `${base}/files/weights-deadbeef.pth`;
      quiet(() => expectError(() => models.loadStateDictFromUrl(url, { modelDir: home, checkHash: true, progress: false }), `invalid hash value (expected "deadbeef", got "${digest}")`));
      expect(fs.readdirSync(home)).toEqual([]);
      // Without checkHash the same file is taken.
      quiet(() => models.loadStateDictFromUrl(url, { modelDir: home, progress: false }));
      expect(fs.readdirSync(home)).toEqual(['weights-deadbeef.pth']);
    });

    test('an HTTP error or an unreachable server is an Error naming the URL, and leaves no file', () => {
      const missing = `${base}/nothing/weights-0123abcd.pth`;
      quiet(() => expectError(() => models.loadStateDictFromUrl(missing, { modelDir: home, progress: false }), `Downloading ${missing} failed: HTTP Error 404: Not Found`));
      const refused = 'http://127.0.0.1:1/weights-0123abcd.pth';
      quiet(() => expectError(() => models.loadStateDictFromUrl(refused, { modelDir: home, progress: false }), `Downloading ${refused} failed: connect ECONNREFUSED`));
      expect(fs.readdirSync(home)).toEqual([]);
    });
  });
});
