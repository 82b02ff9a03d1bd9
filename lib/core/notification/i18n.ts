export type PushTextKey = 'You_have_a_new_message' | 'Uploaded_an_image' | 'Uploaded_a_file' | 'Encrypted_message';

type Texts = Partial<Record<PushTextKey, string>>;

const english: Record<PushTextKey, string> = {
  You_have_a_new_message: 'You have a new message',
  Uploaded_an_image: 'Uploaded an image',
  Uploaded_a_file: 'Uploaded a file',
  Encrypted_message: 'Encrypted message',
};

// Rocket.Chat's own strings (packages/i18n/src/locales/<lang>.i18n.json; the upload keys are
// `User_uploaded_image` / `User_uploaded_file` there). A key a locale lacks falls back to English,
// as Rocket.Chat's i18next does.
const translations: Record<string, Texts> = {
  de: {
    You_have_a_new_message: 'Sie haben eine neue Nachricht',
    Uploaded_an_image: 'hat ein Bild hochgeladen',
    Uploaded_a_file: 'hat eine Datei hochgeladen',
    Encrypted_message: 'Verschlüsselte Nachricht',
  },
  es: {
    You_have_a_new_message: 'Tienes un nuevo mensaje',
    Uploaded_an_image: 'Ha subido una imagen',
    Uploaded_a_file: 'Ha subido un archivo',
    Encrypted_message: 'Mensaje cifrado',
  },
  fr: {
    You_have_a_new_message: 'Vous avez un nouveau message',
    Uploaded_an_image: 'A chargé une image',
    Uploaded_a_file: 'A chargé un fichier',
    Encrypted_message: 'Message chiffré',
  },
  'pt-br': {
    You_have_a_new_message: 'Nova mensagem',
    Uploaded_an_image: 'Carregou uma imagem',
    Uploaded_a_file: 'Carregou um arquivo',
    Encrypted_message: 'Mensagem criptografada',
  },
  pt: {
    Uploaded_an_image: 'Carregou uma imagem',
    Uploaded_a_file: 'Carregou um arquivo',
    Encrypted_message: 'Mensagem encriptada',
  },
  it: {
    Uploaded_an_image: "Carica un'immagine",
    Uploaded_a_file: 'Ha caricato un file',
    Encrypted_message: 'Messaggio cifrato',
  },
  ru: {
    You_have_a_new_message: 'У вас есть новое сообщение',
    Uploaded_an_image: 'Загрузил изображение',
    Uploaded_a_file: 'Загрузил файл',
    Encrypted_message: 'Зашифрованное сообщение',
  },
  ja: {
    You_have_a_new_message: '新しいメッセージがあります',
    Uploaded_an_image: '画像をアップロードしました',
    Uploaded_a_file: 'ファイルをアップロードしました',
    Encrypted_message: '暗号化されたメッセージ',
  },
};

/** The push text `key` in `language` (`pt-BR`, `pt_br`…), else its base language (`pt`), else English. */
export function translate(key: PushTextKey, language?: string): string {
  const exact = language?.trim().toLowerCase().replaceAll('_', '-') ?? '';
  const base = exact.split('-')[0] ?? '';
  return lookup(exact, key) ?? lookup(base, key) ?? english[key];
}

function lookup(language: string, key: PushTextKey): string | undefined {
  return Object.hasOwn(translations, language) ? translations[language]?.[key] : undefined;
}
