// An image field's three ways in: a file, an image pasted from the clipboard, or text (a URL, a data URL, or the
// name of a file in ComfyUI's input folder). A file goes as a multipart part; text as the field's value.
import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../context';

export interface ImageValue {
  file?: File;
  text: string;
}

export function ImageInput({ name, value, onChange }: { name: string; value: ImageValue; onChange: (value: ImageValue) => void }) {
  const { t } = useSession();
  const [preview, setPreview] = useState<string | null>(null);
  useEffect(() => {
    if (!value.file) return setPreview(null);
    const url = URL.createObjectURL(value.file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [value.file]);
  return (
    <div
      class="image-input"
      tabIndex={0}
      onPaste={(event) => {
        const file = [...(event.clipboardData?.files ?? [])].find((item) => item.type.startsWith('image/'));
        if (!file) return;
        event.preventDefault();
        onChange({ file: new File([file], file.name || `${t('field.pasted')}.png`, { type: file.type }), text: '' });
      }}
    >
      <label class="small">
        {t('field.upload')}{' '}
        <input type="file" name={name} accept="image/*" onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          onChange(file ? { file, text: '' } : { text: value.text });
        }} />
      </label>
      <span class="muted small">{t('field.paste')}</span>
      <input
        type="text"
        class="image-text"
        placeholder={t('field.url')}
        value={value.text}
        onInput={(e) => onChange({ text: e.currentTarget.value })}
      />
      {preview && <img class="thumb" src={preview} alt={value.file?.name ?? ''} />}
    </div>
  );
}
