import java.io.InputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamReader;
import org.w3c.dom.Document;
import org.xml.sax.helpers.DefaultHandler;

public class XmlImporter {

    public Document parseUpload(InputStream body) throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        // ruleid: java-xxe-documentbuilderfactory
        DocumentBuilder builder = dbf.newDocumentBuilder();
        return builder.parse(body);
    }

    public Document parseQuick(InputStream body) throws Exception {
        // ruleid: java-xxe-documentbuilderfactory
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(body);
    }

    public Document parseHardened(InputStream body) throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        try {
            dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
        // ok: java-xxe-documentbuilderfactory
        DocumentBuilder builder = dbf.newDocumentBuilder();
        return builder.parse(body);
    }

    public Document parseNoExternalDtd(InputStream body) throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        dbf.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        // ok: java-xxe-documentbuilderfactory
        return dbf.newDocumentBuilder().parse(body);
    }

    public void scanSax(InputStream body, DefaultHandler handler) throws Exception {
        SAXParserFactory spf = SAXParserFactory.newInstance();
        // ruleid: java-xxe-saxparserfactory
        SAXParser parser = spf.newSAXParser();
        parser.parse(body, handler);
    }

    public void scanSaxDirect(InputStream body, DefaultHandler handler) throws Exception {
        // ruleid: java-xxe-saxparserfactory
        SAXParserFactory.newInstance().newSAXParser().parse(body, handler);
    }

    public void scanSaxHardened(InputStream body, DefaultHandler handler) throws Exception {
        SAXParserFactory spf = SAXParserFactory.newInstance();
        spf.setFeature("http://xml.org/sax/features/external-general-entities", false);
        spf.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        // ok: java-xxe-saxparserfactory
        SAXParser parser = spf.newSAXParser();
        parser.parse(body, handler);
    }

    public void scanSaxSecureProcessing(InputStream body, DefaultHandler handler) throws Exception {
        SAXParserFactory spf = SAXParserFactory.newInstance();
        spf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        // ok: java-xxe-saxparserfactory
        spf.newSAXParser().parse(body, handler);
    }

    public int countItems(InputStream body) throws Exception {
        XMLInputFactory xif = XMLInputFactory.newInstance();
        // ruleid: java-xxe-xmlinputfactory
        XMLStreamReader reader = xif.createXMLStreamReader(body);
        int n = 0;
        while (reader.hasNext()) {
            if (reader.next() == XMLStreamReader.START_ELEMENT && "item".equals(reader.getLocalName())) {
                n++;
            }
        }
        return n;
    }

    public XMLStreamReader openFactory(InputStream body) throws Exception {
        XMLInputFactory xif = XMLInputFactory.newFactory();
        xif.setProperty(XMLInputFactory.SUPPORT_DTD, true);
        // ruleid: java-xxe-xmlinputfactory
        return xif.createXMLStreamReader(body);
    }

    public XMLStreamReader openHardened(InputStream body) throws Exception {
        XMLInputFactory xif = XMLInputFactory.newInstance();
        xif.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        // ok: java-xxe-xmlinputfactory
        return xif.createXMLStreamReader(body);
    }

    public XMLStreamReader openNoEntities(InputStream body) throws Exception {
        XMLInputFactory xif = XMLInputFactory.newInstance();
        xif.setProperty("javax.xml.stream.isSupportingExternalEntities", Boolean.FALSE);
        // ok: java-xxe-xmlinputfactory
        return xif.createXMLStreamReader(body);
    }
}
