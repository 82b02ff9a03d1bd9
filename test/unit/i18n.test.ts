import { describe, it, expect } from 'vitest';
import { translate } from '../../lib/core/notification/i18n';
import type { PushTextKey } from '../../lib/core/notification/i18n';

const keys: PushTextKey[] = ['You_have_a_new_message', 'Uploaded_an_image', 'Uploaded_a_file', 'Encrypted_message'];

describe('translate', () => {
  it('has the exact English texts', () => {
    expect(keys.map((key) => translate(key))).toEqual(['You have a new message', 'Uploaded an image', 'Uploaded a file', 'Encrypted message']);
    expect(translate('Uploaded_an_image', 'en')).toBe('Uploaded an image');
  });

  it("uses Rocket.Chat's translations", () => {
    expect(translate('You_have_a_new_message', 'de')).toBe('Sie haben eine neue Nachricht');
    expect(translate('Uploaded_an_image', 'es')).toBe('Ha subido una imagen');
    expect(translate('Uploaded_a_file', 'fr')).toBe('A chargé un fichier');
    expect(translate('You_have_a_new_message', 'pt-BR')).toBe('Nova mensagem');
    expect(translate('Encrypted_message', 'pt')).toBe('Mensagem encriptada');
    expect(translate('Uploaded_an_image', 'it')).toBe("Carica un'immagine");
    expect(translate('Encrypted_message', 'ru')).toBe('Зашифрованное сообщение');
    expect(translate('You_have_a_new_message', 'ja')).toBe('新しいメッセージがあります');
  });

  it('translates every key in the main languages', () => {
    for (const language of ['de', 'es', 'fr', 'pt-BR', 'ru', 'ja']) {
      for (const key of keys) expect(translate(key, language), `${language} ${key}`).not.toBe(translate(key));
    }
  });

  it('matches language tags case-insensitively, with - or _', () => {
    for (const tag of ['pt-BR', 'pt_BR', 'pt-br', 'PT_br', ' pt-BR ']) {
      expect(translate('Encrypted_message', tag), tag).toBe('Mensagem criptografada');
    }
    expect(translate('Encrypted_message', 'DE')).toBe('Verschlüsselte Nachricht');
  });

  it('falls back to the base language', () => {
    expect(translate('Encrypted_message', 'pt-PT')).toBe('Mensagem encriptada');
    expect(translate('Uploaded_a_file', 'de-AT')).toBe('hat eine Datei hochgeladen');
    expect(translate('Uploaded_a_file', 'de_CH')).toBe('hat eine Datei hochgeladen');
  });

  it('falls back to English for a key the language lacks', () => {
    expect(translate('You_have_a_new_message', 'pt')).toBe('You have a new message');
    expect(translate('You_have_a_new_message', 'it')).toBe('You have a new message');
  });

  it('prefers the exact language, then the base, per key', () => {
    expect(translate('Encrypted_message', 'pt-BR')).not.toBe(translate('Encrypted_message', 'pt'));
    expect(translate('Uploaded_a_file', 'pt-BR')).toBe('Carregou um arquivo');
  });

  it('falls back to English for unknown, empty or odd languages', () => {
    for (const language of [undefined, '', 'xx', 'zz-ZZ', '-', 'constructor', '__proto__', 'toString']) {
      expect(translate('Uploaded_a_file', language), String(language)).toBe('Uploaded a file');
    }
  });
});
